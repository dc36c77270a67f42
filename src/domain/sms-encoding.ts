// How a text travels as SMS: GSM-7 when every character is in the GSM 03.38 default alphabet
// or its extension table, else UCS-2; and how many segments it costs (compliance REQ-40/41).
// Segments are counted by packing characters the way the network does, so an escape pair
// (GSM extension character) or a surrogate pair (UCS-2 astral character) never straddles
// two segments.

export type SmsEncodingName = "GSM-7" | "UCS-2";

export interface SmsEncoding {
  encoding: SmsEncodingName;
  /** Septets (GSM-7; extension characters count 2) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/** GSM 03.38 default alphabet, in table order (0x1B, the escape, is left out). */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/** Extension table: sent as escape + character, 2 septets each. */
const GSM_EXTENSION = "\f^{}\\[~]|€";

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

const GSM_SINGLE = 160;
const GSM_CONCATENATED = 153;
const UCS2_SINGLE = 70;
const UCS2_CONCATENATED = 67;

/** Septets one character takes in GSM-7, or null when GSM-7 cannot carry it. */
function gsmSeptets(char: string): 1 | 2 | null {
  if (BASIC.has(char)) {
    return 1;
  }
  return EXTENSION.has(char) ? 2 : null;
}

export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (gsmSeptets(char) === null) {
      return false;
    }
  }
  return true;
}

/** The characters that force a text into UCS-2, each once, in order of appearance. */
export function nonGsmCharacters(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) {
    if (gsmSeptets(char) === null) {
      found.add(char);
    }
  }
  return [...found];
}

/**
 * Segments for characters of the given widths: one segment while the total fits `single`,
 * otherwise segments of `concatenated` units filled in order, a character never split.
 */
function countSegments(widths: number[], single: number, concatenated: number): number {
  const units = widths.reduce((sum, width) => sum + width, 0);
  if (units <= single) {
    return 1;
  }
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > concatenated) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return segments;
}

export function smsEncoding(text: string): SmsEncoding {
  const characters = [...text];
  const septets = characters.map(gsmSeptets);
  if (septets.every((width) => width !== null)) {
    const widths = septets as number[];
    return {
      encoding: "GSM-7",
      units: widths.reduce((sum, width) => sum + width, 0),
      segments: countSegments(widths, GSM_SINGLE, GSM_CONCATENATED),
    };
  }
  // A code point above U+FFFF is a surrogate pair in UTF-16: two units.
  const widths = characters.map((char) => char.length);
  return {
    encoding: "UCS-2",
    units: text.length,
    segments: countSegments(widths, UCS2_SINGLE, UCS2_CONCATENATED),
  };
}

/**
 * Typography that word processors and phones insert, mapped to what GSM-7 carries
 * (REQ-42), so the count made before sending is the count the carrier bills.
 */
const GSM_EQUIVALENTS: Record<string, string> = {
  // Double quotes and guillemets.
  "\u201C": '"',
  "\u201D": '"',
  "\u201E": '"',
  "\u201F": '"',
  "\u00AB": '"',
  "\u00BB": '"',
  "\u2033": '"',
  "\uFF02": '"',
  // Single quotes, apostrophes and primes.
  "\u2018": "'",
  "\u2019": "'",
  "\u201A": "'",
  "\u201B": "'",
  "\u2039": "'",
  "\u203A": "'",
  "\u2032": "'",
  "\u02BC": "'",
  "\u00B4": "'",
  "\u0060": "'",
  "\uFF07": "'",
  // Hyphens, dashes and minus signs.
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2015": "-",
  "\u2212": "-",
  "\uFE63": "-",
  "\uFF0D": "-",
  "\u2022": "-",
  // Ellipsis.
  "\u2026": "...",
  // Spaces: no-break, typographic widths, ideographic, tab, line and paragraph separators.
  "\u00A0": " ",
  "\u2000": " ",
  "\u2001": " ",
  "\u2002": " ",
  "\u2003": " ",
  "\u2004": " ",
  "\u2005": " ",
  "\u2006": " ",
  "\u2007": " ",
  "\u2008": " ",
  "\u2009": " ",
  "\u200A": " ",
  "\u202F": " ",
  "\u205F": " ",
  "\u3000": " ",
  "\t": " ",
  "\u2028": "\n",
  "\u2029": "\n",
  // Invisible characters: nothing to carry.
  "\u200B": "",
  "\u2060": "",
  "\uFEFF": "",
  "\u00AD": "",
};

const COMBINING_MARKS = /\p{M}+/gu;

/**
 * A letter GSM-7 lacks, written without its accent when the bare letter is in GSM-7
 * (á → a, Í → I, ç → c, ë → e). Letters GSM-7 has (é, ñ, ü, à, Ç …) never reach here.
 * This is the REQ-42 accent policy recorded in prompts/README.md.
 */
function withoutAccent(char: string): string {
  const bare = char.normalize("NFD").replace(COMBINING_MARKS, "");
  if (bare.length === 0) {
    return ""; // an accent left over with no letter to sit on
  }
  return bare !== char && isGsm7(bare) ? bare : char;
}

/**
 * The text as it will be sent: typographic punctuation and spaces replaced by their GSM-7
 * equivalents, and accented letters GSM-7 lacks written without the accent. Whatever is
 * left outside GSM-7 (emoji, other scripts) stays, and makes the text UCS-2.
 */
export function normalizeForSms(text: string): string {
  let normalized = "";
  for (const char of text.normalize("NFC")) {
    if (gsmSeptets(char) !== null) {
      normalized += char;
      continue;
    }
    normalized += GSM_EQUIVALENTS[char] ?? withoutAccent(char);
  }
  return normalized;
}
