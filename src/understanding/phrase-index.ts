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

/** Lists `merge` made for one word, not shared by others. */
const merged = new WeakSet<Candidates>();

function merge(lists: readonly Candidates[]): Candidates {
  const all = new Set<number>();
  for (const list of lists) {
    for (const index of list) {
      all.add(index);
    }
  }
  const list = [...all].sort((a, b) => a - b);
  merged.add(list);
  return list;
}

/**
 * Every word some phrase needs second, by a small number: a candidate's second-word check compares
 * numbers in the flat plan below instead of looking the reply's word up in a set per phrase, the
 * largest single cost of the index when each set lookup missed the cache.
 */
const secondIds = new Map<string, number>();
/** The id of a word no phrase needs second, and of "no next word". */
const NO_SECOND = -1;

/**
 * What each table answered for a word, by table id, and the word's second-word id: a reply's words
 * are looked up once, not once per list. Bounded, since replies bring new words (names, typos)
 * for as long as the server runs.
 */
interface WordRow {
  readonly secondId: number;
  /** The row's place in `emptyPlans`. */
  readonly slot: number;
  readonly plans: (Plan | undefined)[];
}
const rows = new Map<string, WordRow>();
const MAX_ROWS = 20_000;
let tables = 0;

/**
 * Per row, one byte per table: whether the table has no phrase beginning at that word (most
 * visits), once asked. A word's bytes share one cache line, so the lists of a reply, visiting the
 * same words in turn, skip them without reaching into each row's plans.
 */
const TABLE_SLOTS = 64;
const UNKNOWN = 0;
const EMPTY = 1;
const FILLED = 2;
const emptyPlans = new Uint8Array(MAX_ROWS * TABLE_SLOTS);

function clearRows(): void {
  rows.clear();
  emptyPlans.fill(UNKNOWN);
}

function secondIdOf(word: string): number {
  let id = secondIds.get(word);
  if (id === undefined) {
    id = secondIds.size;
    secondIds.set(word, id);
    // Rows and the last scan hold ids read before this word had one.
    clearRows();
    lastText = null;
  }
  return id;
}

/**
 * A word's candidates laid out flat for one pass: per phrase its index, then the count of the
 * second-word ids it needs (ANY_SECOND: no need) and those ids in ascending order.
 */
type Plan = readonly number[];
const EMPTY_PLAN: Plan = [];
const ANY_SECOND = -1;
/** Beyond this many ids a second-word check searches by halves. */
const LINEAR_IDS = 16;

function planOf(candidates: Candidates, seconds: readonly (readonly number[] | null)[]): Plan {
  if (candidates.length === 0) {
    return EMPTY_PLAN;
  }
  const plan: number[] = [];
  for (const index of candidates) {
    const ids = seconds[index] ?? null;
    plan.push(index, ids === null ? ANY_SECOND : ids.length);
    if (ids !== null) {
      plan.push(...ids);
    }
  }
  return plan;
}

/** Whether the sorted ids `plan[from, from + count)` hold `id`. */
function holdsId(plan: Plan, from: number, count: number, id: number): boolean {
  if (count <= LINEAR_IDS) {
    for (let at = from; at < from + count; at += 1) {
      const own = plan[at] ?? NO_SECOND;
      if (own >= id) {
        return own === id;
      }
    }
    return false;
  }
  let low = from;
  let high = from + count - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const own = plan[middle] ?? NO_SECOND;
    if (own === id) {
      return true;
    }
    if (own < id) {
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return false;
}

/** Where phrases may begin: by whole first word, by the first word's beginning, or off a word. */
class StartTable {
  private readonly id = tables++;
  /** Per phrase, the ids of the words it needs second (null: any). */
  constructor(private readonly seconds: readonly (readonly number[] | null)[]) {}
  /** Plans by the candidate list they lay out: words that resolve to one list share its plan. */
  private readonly plans = new Map<Candidates, Plan>();
  private readonly words = new Map<string, number[]>();
  private readonly prefixes = new Map<string, number[]>();
  private readonly anywhere: number[] = [];
  private prefixLengths: number[] = [];
  /** The phrases that may begin off a word. */
  offWords: Plan = EMPTY_PLAN;

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
    // Phrases are added in source order, so this list is already in order. Off a word second words
    // say nothing, so the plan is read without its checks.
    this.offWords = planOf(this.anywhere, []);
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
  candidates(word: string, row: WordRow): Plan {
    let found = row.plans[this.id];
    if (found === undefined) {
      const candidates = this.resolve(word);
      found = this.plans.get(candidates);
      if (found === undefined) {
        found = planOf(candidates, this.seconds);
        // Merged lists are made per word; only the shared ones are worth keeping by identity.
        if (!merged.has(candidates)) {
          this.plans.set(candidates, found);
        }
      }
      row.plans[this.id] = found;
      if (this.id < TABLE_SLOTS) {
        emptyPlans[row.slot * TABLE_SLOTS + this.id] = found.length === 0 ? EMPTY : FILLED;
      }
    }
    return found;
  }

  /** Whether no phrase of this table begins at the word of `slot`, as far as already known. */
  knownEmpty(slot: number): boolean {
    return this.id < TABLE_SLOTS && emptyPlans[slot * TABLE_SLOTS + this.id] === EMPTY;
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
/** The second-word id of the next word after each of `starts`' word. */
let followers: number[] = [];
const OFF_WORD: WordRow = { secondId: NO_SECOND, slot: -1, plans: [] };

function rowOf(word: string): WordRow {
  let row = rows.get(word);
  if (row === undefined) {
    if (rows.size >= MAX_ROWS) {
      clearRows();
    }
    row = { secondId: secondIds.get(word) ?? NO_SECOND, slot: rows.size, plans: [] };
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
      const row = rowOf(word);
      if (lastWord >= 0) {
        followers[lastWord] = row.secondId;
      }
      lastWord = starts.length;
      starts.push(at);
      startWords.push(word);
      startRows.push(row);
      followers.push(NO_SECOND);
      at = end;
    } else {
      // Off a word, a phrase may begin only where the character before is no word character.
      if (at === 0 || !isWordChar(text, at - 1)) {
        starts.push(at);
        startWords.push(null);
        startRows.push(OFF_WORD);
        followers.push(NO_SECOND);
      }
      at += 1;
    }
  }
  markGrams(text);
  lastText = text;
}

/**
 * Which three-character runs the last scanned text holds, as bits of a 15-bit key: a required
 * piece whose first three characters the text lacks cannot be in it, so most failing checks end
 * on one bit instead of a search through the text. Keys may collide (digits share letters' low
 * bits), which only sends a check on to the search.
 */
const GRAM_BITS = 1 << 15;
const grams = new Uint32Array(GRAM_BITS >>> 5);
/** The words of `grams` set by the last scan, to clear at the next. */
let gramWords: number[] = [];
const NO_GRAM = -1;

function gramKey(text: string, at: number): number {
  return (
    ((text.charCodeAt(at) & 31) << 10) |
    ((text.charCodeAt(at + 1) & 31) << 5) |
    (text.charCodeAt(at + 2) & 31)
  );
}

function markGrams(text: string): void {
  for (const word of gramWords) {
    grams[word] = 0;
  }
  gramWords = [];
  for (let at = 0; at + 3 <= text.length; at += 1) {
    const key = gramKey(text, at);
    const word = key >>> 5;
    if (grams[word] === 0) {
      gramWords.push(word);
    }
    grams[word] = (grams[word] ?? 0) | (1 << (key & 31));
  }
}

/** A piece's first three characters as a key, or NO_GRAM when it is shorter. */
function pieceKey(piece: string): number {
  return piece.length < 3 ? NO_GRAM : gramKey(piece, 0);
}

/** Whether the scanned text holds one of the pieces at or after `from`. */
function holdsAny(
  text: string,
  pieces: readonly string[],
  keys: readonly number[],
  from: number,
): boolean {
  for (let index = 0; index < pieces.length; index += 1) {
    const key = keys[index] ?? NO_GRAM;
    if (key !== NO_GRAM && ((grams[key >>> 5] ?? 0) & (1 << (key & 31))) === 0) {
      continue;
    }
    if (text.indexOf(pieces[index] ?? "", from) >= 0) {
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
  /** Per phrase, text of which every match holds one piece (null: none known). */
  private readonly required: readonly (readonly string[] | null)[];
  /** Per phrase, its required pieces' keys in `grams`. */
  private readonly requiredKeys: readonly (readonly number[] | null)[];
  /** At the text's first position, where "^..." phrases may match too. */
  private readonly atStart: StartTable;
  private readonly elsewhere: StartTable;
  /** Whether any phrase may begin at a position that starts no word. */
  private readonly beginsOffWords: boolean;

  private constructor(readonly sources: readonly string[]) {
    this.phrases = sources.map(stickyPhrase);
    // Per phrase, the ids of the words it must have second when it begins at a word (null: any
    // or none).
    const seconds = sources.map((source) => {
      const words = secondWords(source);
      return words === null ? null : [...words].map(secondIdOf).sort((a, b) => a - b);
    });
    this.atStart = new StartTable(seconds);
    this.elsewhere = new StartTable(seconds);
    this.required = sources.map(requiredPieces);
    this.requiredKeys = this.required.map((pieces) => pieces?.map(pieceKey) ?? null);
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
   * The first candidate of `plan` that matches at `at`. `next` is the second-word id of the word
   * after the one at `at` (NO_SECOND at the last word); off a word (`checkSeconds` false) second
   * words say nothing.
   */
  private tryAt(
    text: string,
    at: number,
    plan: Plan,
    next: number,
    checkSeconds: boolean,
  ): RegExpExecArray | null {
    let step = 0;
    while (step < plan.length) {
      const index = plan[step] ?? 0;
      const count = plan[step + 1] ?? ANY_SECOND;
      const ids = step + 2;
      step = count === ANY_SECOND ? ids : ids + count;
      if (
        checkSeconds &&
        count !== ANY_SECOND &&
        (next === NO_SECOND || !holdsId(plan, ids, count, next))
      ) {
        continue;
      }
      const pieces = this.required[index];
      if (
        pieces !== null &&
        pieces !== undefined &&
        !holdsAny(text, pieces, this.requiredKeys[index] ?? [], at)
      ) {
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
      let plan: Plan;
      if (word !== null) {
        const row = startRows[index] ?? OFF_WORD;
        if (table.knownEmpty(row.slot)) {
          continue;
        }
        plan = table.candidates(word, row);
      } else if (offWords) {
        plan = table.offWords;
      } else {
        continue;
      }
      if (plan.length === 0) {
        continue;
      }
      const found = this.tryAt(text, at, plan, followers[index] ?? NO_SECOND, word !== null);
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
