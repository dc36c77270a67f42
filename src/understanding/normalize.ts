import symbols from "./lexicons/symbols.json" with { type: "json" };
import { escapeRegExp } from "./patterns.js";

// REQ-01 normalisation (compliance.md §2.1), plus a few repairs for how people really type:
// spelled-out letters ("s t o p"), stretched letters ("stoooop") and stop-sign emoji.

const DIACRITICS = /[\u0300-\u036f]/g;
const APOSTROPHES = /['’`´]/g;
const DIGIT_DASH_DIGIT = /(\d)[-/](?=\d)/g;
const NOT_WORD = /[^a-z0-9/]+/g;
const SPELLED = /(?:^| )((?:[a-z] ){2,}[a-z])(?= |$)/g;
const STRETCHED = /([a-z])\1{2,}/g;
const SPACES = / +/g;
const NOT_ASCII = /[\u0080-\uffff]/;

const emojiWords = Object.entries(symbols.emoji);
const emojiPattern = new RegExp(
  emojiWords.map(([emoji]) => emoji.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")).join("|"),
  "gu",
);
const emojiMap = new Map<string, string>(emojiWords);
const emojiWord = (emoji: string) => ` ${emojiMap.get(emoji) ?? ""} `;
// The emoji table's keys that are plain ASCII ("#"): the only ones a plain-ASCII reply can hold.
const asciiEmoji = emojiWords.filter(([emoji]) => !NOT_ASCII.test(emoji));
const asciiEmojiPattern =
  asciiEmoji.length === 0
    ? null
    : new RegExp(asciiEmoji.map(([emoji]) => escapeRegExp(emoji)).join("|"), "g");

// Accents that carry meaning normalisation would erase: "pagó" (paid) versus "pago" (I pay).
const accented = new Map<string, string>(Object.entries(symbols.accentedForms));
const accentedPattern = new RegExp(
  `(?<![\\p{L}])(?:${[...accented.keys()].join("|")})(?![\\p{L}])`,
  "gu",
);
// Only a key with a non-ASCII letter can match after accents are stripped, which lets plain-ASCII
// replies skip this step; an ASCII key would turn the shortcut off.
const accentsNeedNonAscii = [...accented.keys()].every((key) => NOT_ASCII.test(key));

// Texting spellings of a few words, read as the words ("kiero" is "quiero", "d" is "de",
// "msjs" is "mensajes"), after everything else, so every rule sees one spelling.
const spellings = new Map<string, string>(Object.entries(symbols.spellings));
const spellingPattern = new RegExp(
  `(?<![a-z0-9])(?:${[...spellings.keys()].join("|")})(?![a-z0-9])`,
  "g",
);

// Text longer than any real SMS reply is truncated so cost stays bounded on pathological input.
const MAX_CHARS = 2_000;

/**
 * The same characters in a new string. V8 keeps a string that came from text with an accent or
 * an emoji two bytes a character even when only ASCII is left, and compiles every regular
 * expression a second time, to machine code as large again, for such strings; with the phrase
 * lists that doubled the regexp code and pushed V8 past the budget after which it stops
 * optimising regexps. Rebuilt from its character codes, the string is one byte a character.
 */
function oneByte(text: string): string {
  const codes = new Array<number>(text.length);
  for (let at = 0; at < text.length; at += 1) {
    codes[at] = text.charCodeAt(at);
  }
  return String.fromCharCode(...codes);
}

// The last text normalised: classifyReply normalises a reply, then its sentence pieces, and a
// reply with no sentence punctuation is its own single piece.
let lastInput: string | null = null;
let lastOutput = "";

export function normalize(text: string): string {
  if (text !== lastInput) {
    lastOutput = normalizeText(text);
    lastInput = text;
  }
  return lastOutput;
}

function normalizeText(text: string): string {
  const clipped = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const ascii = !NOT_ASCII.test(clipped);
  // Most replies are plain ASCII: they hold no accent, combining mark or emoji beyond the
  // ASCII keys, and NFKD leaves them as they are, so those steps are skipped (same result).
  const folded =
    ascii && accentsNeedNonAscii
      ? (asciiEmojiPattern === null
          ? clipped
          : clipped.replace(asciiEmojiPattern, emojiWord)
        ).toLowerCase()
      : clipped
          .replace(emojiPattern, emojiWord)
          .toLowerCase()
          .replace(accentedPattern, (word) => accented.get(word) ?? word)
          .normalize("NFKD")
          .replace(DIACRITICS, "");
  const normalized = folded
    .replace(APOSTROPHES, "")
    .replace(DIGIT_DASH_DIGIT, "$1/")
    .replace(NOT_WORD, " ")
    .replace(/\/+(?![0-9])|(?<![0-9])\/+/g, " ")
    .replace(SPELLED, (_all, letters: string) => ` ${letters.replace(/ /g, "")}`)
    .replace(STRETCHED, "$1")
    .replace(SPACES, " ")
    .trim()
    .replace(spellingPattern, (word) => spellings.get(word) ?? word);
  return ascii ? normalized : oneByte(normalized);
}

// Several stages ask for the pieces of the same reply in turn: split and normalise it once.
let lastSegmented: string | null = null;
let lastSegments: readonly string[] = [];

/** Sentence-like pieces of the raw text, each normalised; a bare "STOP." inside a longer reply. */
export function segments(text: string): readonly string[] {
  if (text !== lastSegmented) {
    lastSegments = splitSegments(text);
    lastSegmented = text;
  }
  return lastSegments;
}

function splitSegments(text: string): string[] {
  const clipped = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  // A piece of a two-byte string is two-byte even when it holds only ASCII.
  const rebuild = NOT_ASCII.test(clipped);
  return clipped
    .split(/[.!?\n,;:¡¿]+/)
    .map((part) => (rebuild ? oneByte(normalize(part)) : normalize(part)))
    .filter((part) => part.length > 0);
}

/**
 * Where each sentence-like piece of the raw text starts in its normalised form (the first at 0),
 * so a rule can keep to one clause ("I'll pay soon, money is tight right now").
 */
export function clauseStarts(raw: string, normalized: string): number[] {
  const starts = [0];
  let from = 0;
  for (const piece of segments(raw)) {
    const at = normalized.indexOf(piece, from);
    if (at < 0) {
      continue;
    }
    if (at > 0) {
      starts.push(at);
    }
    from = at + piece.length;
  }
  return starts;
}

// "baja por favor", "halt please": a whole-message keyword is still one with courtesy around it.
const courtesy = new RegExp(
  `(?<![a-z0-9])(?:${[...symbols.courtesyWords]
    .sort((a, b) => b.length - a.length)
    .join("|")})(?![a-z0-9])`,
  "g",
);

const LOOSE_SPACES = /^\s|\s$| {2}/;

/** The normalised text without courtesy words ("please", "por favor", "gracias"). */
export function withoutCourtesy(text: string): string {
  const bare = text.replace(courtesy, " ");
  // Most replies hold no courtesy word; normalised text has no spaces left to tidy.
  if (bare === text && !LOOSE_SPACES.test(text)) {
    return text;
  }
  return bare.replace(SPACES, " ").trim();
}
