import { firstWords, secondWords } from "./first-words.js";
import { requiredPieces } from "./required-pieces.js";

// A phrase list indexed by the words its phrases can begin with. One alternation of a few hundred
// phrases is tried at every position of a reply, and the lexicons' lists together compile to more
// machine code than V8 will optimise (it stops optimising regular expressions once 16 MB of
// executable code is committed), so the lists compiled last ran several times slower. Here each
// phrase is its own small sticky expression, tried only at the words it can start with: most
// phrases are never tried on a given reply, and the ones that are stay small.

function isWordChar(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/** Phrases in source order; `merge` keeps the order, so the earlier phrase still wins. */
type Candidates = readonly number[];
const NONE: Candidates = [];

function merge(lists: readonly Candidates[]): Candidates {
  const all = new Set<number>();
  for (const list of lists) {
    for (const index of list) {
      all.add(index);
    }
  }
  return [...all].sort((a, b) => a - b);
}

/**
 * What each table answered for a word, by table id: a reply's words are looked up once, not once
 * per list. Bounded, since replies bring new words (names, typos) for as long as the server runs.
 */
type WordRow = (Candidates | undefined)[];
const rows = new Map<string, WordRow>();
const MAX_ROWS = 20_000;
let tables = 0;

/** Where phrases may begin: by whole first word, by the first word's beginning, or off a word. */
class StartTable {
  private readonly id = tables++;
  private readonly words = new Map<string, number[]>();
  private readonly prefixes = new Map<string, number[]>();
  private readonly anywhere: number[] = [];
  private prefixLengths: number[] = [];
  /** The phrases that may begin off a word. */
  offWords: Candidates = [];

  add(index: number, words: Iterable<string>, prefixes: Iterable<string>, any: boolean): void {
    for (const word of words) {
      this.bucket(this.words, word).push(index);
    }
    for (const prefix of prefixes) {
      this.bucket(this.prefixes, prefix).push(index);
    }
    if (any) {
      this.anywhere.push(index);
    }
  }

  private bucket(map: Map<string, number[]>, key: string): number[] {
    let list = map.get(key);
    if (list === undefined) {
      list = [];
      map.set(key, list);
    }
    return list;
  }

  seal(): void {
    this.prefixLengths = [...new Set([...this.prefixes.keys()].map((key) => key.length))].sort(
      (a, b) => a - b,
    );
    // Phrases are added in source order, so this list is already in order.
    this.offWords = this.anywhere;
  }

  /** Every phrase that may begin at `word`: its own and its beginnings'. */
  private resolve(word: string): Candidates {
    // A match that begins at a word begins with that word's first letter, so only the phrases
    // with a way to begin there are tried; the ones that may also begin off a word ("@ 5",
    // " pagare") are listed by their word beginnings too.
    const lists: Candidates[] = [];
    const own = this.words.get(word);
    if (own !== undefined) {
      lists.push(own);
    }
    for (const length of this.prefixLengths) {
      if (length > word.length) {
        break;
      }
      const list = this.prefixes.get(word.slice(0, length));
      if (list !== undefined) {
        lists.push(list);
      }
    }
    return lists.length === 0 ? NONE : lists.length === 1 ? (lists[0] ?? NONE) : merge(lists);
  }

  /** The phrases that may begin at a word of the text, its row of answers given. */
  candidates(word: string, row: WordRow): Candidates {
    let found = row[this.id];
    if (found === undefined) {
      found = this.resolve(word);
      row[this.id] = found;
    }
    return found;
  }
}

/**
 * The last text scanned, split once for every list of a reply that scans it in turn: where a
 * phrase may begin (after a non-word character or at the start), and the word there, if any.
 */
let lastText: string | null = null;
/** Positions a match may begin at, in order. */
let starts: number[] = [];
/** The word beginning at each of `starts`, or null off a word. */
let startWords: (string | null)[] = [];
/** That word's row of answers (an empty row off a word). */
let startRows: WordRow[] = [];
/** The next word after each of `starts`' word. */
let followers: (string | undefined)[] = [];
const OFF_WORD: WordRow = [];

function rowOf(word: string): WordRow {
  let row = rows.get(word);
  if (row === undefined) {
    if (rows.size >= MAX_ROWS) {
      rows.clear();
    }
    row = [];
    rows.set(word, row);
  }
  return row;
}

function scan(text: string): void {
  if (text === lastText) {
    return;
  }
  starts = [];
  startWords = [];
  startRows = [];
  followers = [];
  let lastWord = -1;
  let at = 0;
  while (at <= text.length) {
    if (at < text.length && isWordChar(text, at)) {
      let end = at + 1;
      while (end < text.length && isWordChar(text, end)) {
        end += 1;
      }
      const word = text.slice(at, end);
      if (lastWord >= 0) {
        followers[lastWord] = word;
      }
      lastWord = starts.length;
      starts.push(at);
      startWords.push(word);
      startRows.push(rowOf(word));
      followers.push(undefined);
      at = end;
    } else {
      // Off a word, a phrase may begin only where the character before is no word character.
      if (at === 0 || !isWordChar(text, at - 1)) {
        starts.push(at);
        startWords.push(null);
        startRows.push(OFF_WORD);
        followers.push(undefined);
      }
      at += 1;
    }
  }
  lastText = text;
}

/** Whether the text holds one of the pieces at or after `from`. */
function holdsAny(text: string, pieces: readonly string[], from: number): boolean {
  for (const piece of pieces) {
    if (text.indexOf(piece, from) >= 0) {
      return true;
    }
  }
  return false;
}

// Compiled phrases are shared by every index that holds the same source (cues.ts joins lists).
const compiled = new Map<string, RegExp>();

function stickyPhrase(source: string): RegExp {
  let pattern = compiled.get(source);
  if (pattern === undefined) {
    pattern = new RegExp(`(?<![a-z0-9])(?:${source})(?![a-z0-9])`, "y");
    compiled.set(source, pattern);
  }
  return pattern;
}

/**
 * A list of regular-expression sources, each a whole word of the normalised text. It matches
 * exactly as `bounded(sources.join("|"), "g")` would: the leftmost match, and at that position
 * the first source in order.
 */
export class PhraseIndex {
  private readonly phrases: readonly RegExp[];
  /** Per phrase, the words it must have second when it begins at a word (null: any or none). */
  private readonly seconds: readonly (ReadonlySet<string> | null)[];
  /** Per phrase, text of which every match holds one piece (null: none known). */
  private readonly required: readonly (readonly string[] | null)[];
  /** At the text's first position, where "^..." phrases may match too. */
  private readonly atStart = new StartTable();
  private readonly elsewhere = new StartTable();
  /** Whether any phrase may begin at a position that starts no word. */
  private readonly beginsOffWords: boolean;

  private constructor(readonly sources: readonly string[]) {
    this.phrases = sources.map(stickyPhrase);
    this.seconds = sources.map(secondWords);
    this.required = sources.map(requiredPieces);
    let offWords = false;
    sources.forEach((source, index) => {
      const first = firstWords(source);
      this.atStart.add(index, first.words, first.prefixes, first.anyPosition);
      if (!first.startOnly) {
        this.elsewhere.add(index, first.words, first.prefixes, first.anyPosition);
      }
      offWords ||= first.anyPosition;
    });
    this.atStart.seal();
    this.elsewhere.seal();
    this.beginsOffWords = offWords;
  }

  static of(sources: readonly string[]): PhraseIndex {
    return new PhraseIndex(sources);
  }

  /** Several lists as one, in order. */
  static concat(indexes: readonly PhraseIndex[]): PhraseIndex {
    return new PhraseIndex(indexes.flatMap((index) => index.sources));
  }

  /**
   * The first candidate that matches at `at`. `next` is the word after the one at `at` (undefined
   * at the last word), or null off a word, where second words say nothing.
   */
  private tryAt(
    text: string,
    at: number,
    candidates: Candidates,
    next: string | undefined | null,
  ): RegExpExecArray | null {
    for (const index of candidates) {
      const seconds = this.seconds[index];
      if (
        next !== null &&
        seconds !== null &&
        seconds !== undefined &&
        (next === undefined || !seconds.has(next))
      ) {
        continue;
      }
      const pieces = this.required[index];
      if (pieces !== null && pieces !== undefined && !holdsAny(text, pieces, at)) {
        continue;
      }
      const phrase = this.phrases[index];
      if (phrase === undefined) {
        continue;
      }
      phrase.lastIndex = at;
      const found = phrase.exec(text);
      if (found !== null) {
        return found;
      }
    }
    return null;
  }

  /** The leftmost match at or after `from`, the earlier phrase winning a tie. */
  private next(text: string, from: number): RegExpExecArray | null {
    scan(text);
    const offWords = this.beginsOffWords;
    const count = starts.length;
    let index = 0;
    while (index < count && (starts[index] ?? 0) < from) {
      index += 1;
    }
    for (; index < count; index += 1) {
      const at = starts[index] ?? 0;
      const word = startWords[index] ?? null;
      const table = at === 0 ? this.atStart : this.elsewhere;
      let candidates: Candidates;
      if (word !== null) {
        candidates = table.candidates(word, startRows[index] ?? OFF_WORD);
      } else if (offWords) {
        candidates = table.offWords;
      } else {
        continue;
      }
      if (candidates.length === 0) {
        continue;
      }
      const found = this.tryAt(text, at, candidates, word === null ? null : followers[index]);
      if (found !== null) {
        return found;
      }
    }
    return null;
  }

  /** The first match's text, or null. */
  first(text: string): string | null {
    return this.next(text, 0)?.[0] ?? null;
  }

  /** Every match replaced by `by`, as `text.replace(/.../g, by)` would. */
  replace(text: string, by: string): string {
    let result = "";
    let kept = 0;
    let found = this.next(text, 0);
    while (found !== null) {
      const end = found.index + found[0].length;
      result += `${text.slice(kept, found.index)}${by}`;
      kept = end;
      // An empty match moves on a character, as String.prototype.replace does.
      const from = found[0].length === 0 ? end + 1 : end;
      found = from > text.length ? null : this.next(text, from);
    }
    return result + text.slice(kept);
  }
}
