import regjsparser, { type RootNode } from "regjsparser";

// What a whole-word match of a phrase source can begin with, read from the expression itself, so
// a phrase list can try at each word of a reply only the phrases that may start there
// (phrase-index.ts). The answer may be wider than the truth, never narrower: a phrase left out of
// a word it can start with would be a missed match, one tried in vain only costs a failed try.

/** The first words a match may begin with. */
export interface FirstWords {
  /** Whole words: the match's first word is exactly one of these. */
  words: Set<string>;
  /** Beginnings: the match's first word starts with one of these. */
  prefixes: Set<string>;
  /** The match may begin with something that is not a word character, or with nothing. */
  anyPosition: boolean;
  /** Every match begins at the start of the text ("^..."). */
  startOnly: boolean;
}

const WORD = /^[a-z0-9]$/;
const ALPHABET = [..."abcdefghijklmnopqrstuvwxyz0123456789"];
// Beyond these, an expression's beginnings are kept as shorter prefixes: wider, still correct.
const MAX_BRANCH = 4;
const MAX_WORD = 24;
const MAX_STEPS = 20_000;
const MAX_DEPTH = 400;
const MAX_KEYS = 600;

/** Stands for "and then anything": an unbounded repeat after its first round. */
interface AnyFurther {
  type: "anyFurther";
}
type Step = RootNode | AnyFurther;
/** What is left of the expression, first step first: a list shared by the paths that branch. */
type Rest = { node: Step; next: Rest } | null;

function before(steps: readonly Step[], rest: Rest): Rest {
  let list = rest;
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    const node = steps[index];
    if (node !== undefined) {
      list = { node, next: list };
    }
  }
  return list;
}
const ANY_FURTHER: AnyFurther = { type: "anyFurther" };

/** The characters one node may consume: word characters listed, the rest only flagged. */
interface CharSet {
  word: string[];
  other: boolean;
}

function isWord(char: string): boolean {
  return WORD.test(char);
}

function charsOfValue(codePoint: number): CharSet {
  const char = String.fromCodePoint(codePoint);
  return isWord(char) ? { word: [char], other: false } : { word: [], other: true };
}

function charsOfEscape(value: "d" | "D" | "w" | "W" | "s" | "S"): CharSet {
  switch (value) {
    case "d":
      return { word: [..."0123456789"], other: false };
    case "w":
      // \w also takes capitals and "_", which are not word characters of the normalised text.
      return { word: ALPHABET, other: true };
    case "s":
      return { word: [], other: true };
    default:
      return { word: ALPHABET, other: true };
  }
}

function charsOfNode(node: RootNode): CharSet | null {
  switch (node.type) {
    case "value":
      return charsOfValue(node.codePoint);
    case "dot":
      return { word: ALPHABET, other: true };
    case "characterClassEscape":
      return charsOfEscape(node.value);
    case "characterClass": {
      const word = new Set<string>();
      let other = false;
      for (const part of node.body) {
        if (part.type === "value") {
          const chars = charsOfValue(part.codePoint);
          for (const char of chars.word) {
            word.add(char);
          }
          other ||= chars.other;
        } else if (part.type === "characterClassRange") {
          for (let code = part.min.codePoint; code <= part.max.codePoint; code += 1) {
            const char = String.fromCodePoint(code);
            if (isWord(char)) {
              word.add(char);
            } else {
              other = true;
            }
          }
        } else if (part.type === "characterClassEscape") {
          const chars = charsOfEscape(part.value);
          for (const char of chars.word) {
            word.add(char);
          }
          other ||= chars.other;
        } else {
          return { word: ALPHABET, other: true };
        }
      }
      // A negated class takes every word character it does not list, and anything else.
      return node.negative
        ? { word: ALPHABET.filter((char) => !word.has(char)), other: true }
        : { word: [...word], other };
    }
    default:
      return null;
  }
}

/** A path through the expression so far. */
interface Path {
  /** Reading the first word (0), the gap after it (1), or the second word (2). */
  phase: 0 | 1 | 2;
  /** The word being read. */
  prefix: string;
  /** A "^" came before anything was read. */
  anchored: boolean;
}

/**
 * Walks every way through an expression up to the end of its first word or, when `second` is
 * set, of its second word, widening what it reports whenever the ways are too many to list.
 */
class Walk {
  readonly found: FirstWords = {
    words: new Set(),
    prefixes: new Set(),
    anyPosition: false,
    startOnly: true,
  };
  /** Second words, when every match beginning at a word goes on to a listed one. */
  seconds: Set<string> | null = new Set();
  steps = 0;
  private readonly visited = new Map<Rest, Set<string>>();

  constructor(private readonly second: boolean) {}

  /** Emits that the word being read is `prefix` followed by anything. */
  private open(path: Path, prefix = path.prefix): void {
    if (path.phase > 0) {
      this.seconds = null;
      return;
    }
    this.found.startOnly &&= path.anchored;
    // After any first word, any second word.
    this.seconds = null;
    if (prefix.length > 0) {
      this.found.prefixes.add(prefix);
      return;
    }
    for (const char of ALPHABET) {
      this.found.prefixes.add(char);
    }
  }

  /** Emits that the word being read ended; returns whether to read on. */
  private closed(path: Path): boolean {
    if (path.phase === 0) {
      this.found.startOnly &&= path.anchored;
      if (path.prefix.length === 0) {
        this.found.anyPosition = true;
        return false;
      }
      this.found.words.add(path.prefix);
      return this.second;
    }
    if (path.phase === 2) {
      this.seconds?.add(path.prefix);
    }
    return false;
  }

  /** Follows the expression from `rest` (what is left of it, in order) along `path`. */
  go(rest: Rest, path: Path, depth = 0): void {
    this.steps += 1;
    // Depth guards against a repeated group that consumes nothing ("(?:)*").
    if (this.steps > MAX_STEPS || path.prefix.length > MAX_WORD || depth > MAX_DEPTH) {
      this.open(path);
      return;
    }
    if (rest === null) {
      // The end of the expression: the word ends here (the phrase is bounded by a non-word), and
      // a match may end before any second word.
      if (path.phase === 1 || (this.closed(path) && path.phase === 0)) {
        this.seconds = null;
      }
      return;
    }
    // Branches that meet again in the same place and state go on the same way: walk it once.
    const state = `${path.phase}${path.anchored ? "^" : ""}${path.prefix}`;
    let states = this.visited.get(rest);
    if (states === undefined) {
      states = new Set();
      this.visited.set(rest, states);
    } else if (states.has(state)) {
      return;
    }
    states.add(state);
    const { node, next } = rest;
    switch (node.type) {
      case "anyFurther":
        this.open(path);
        return;
      case "alternative":
        this.go(before(node.body, next), path, depth + 1);
        return;
      case "disjunction":
        for (const branch of node.body) {
          this.go({ node: branch, next }, path, depth + 1);
        }
        return;
      case "group":
        if (node.behavior === "normal" || node.behavior === "ignore") {
          this.go(before(node.body, next), path, depth + 1);
        } else {
          // Lookarounds consume nothing; the expression itself checks them.
          this.go(next, path, depth + 1);
        }
        return;
      case "anchor": {
        // "^" and "$" consume nothing: only where they hold can the match go on.
        const anchored =
          path.anchored || (node.kind === "start" && path.phase === 0 && path.prefix === "");
        this.go(next, { ...path, anchored }, depth + 1);
        return;
      }
      case "quantifier": {
        const max = node.max ?? Number.POSITIVE_INFINITY;
        if (max <= 0) {
          this.go(next, path, depth + 1);
          return;
        }
        if (node.min === 0) {
          this.go(next, path, depth + 1);
          if (max === Number.POSITIVE_INFINITY) {
            // One more round, then whatever follows: "cancel+" begins "cancel", not "cancell".
            this.go(before([node.body[0], ANY_FURTHER], next), path, depth + 1);
            return;
          }
        }
        const fewer: RootNode = {
          ...node,
          min: Math.max(0, node.min - 1),
          max: max === Number.POSITIVE_INFINITY ? undefined : max - 1,
        };
        this.go(before([node.body[0], fewer], next), path, depth + 1);
        return;
      }
      case "reference":
        this.open(path);
        return;
      default: {
        const chars = charsOfNode(node);
        if (chars === null) {
          this.open(path);
          return;
        }
        if (chars.other) {
          if (path.phase === 1) {
            this.go(next, path, depth + 1);
          } else if (this.closed(path)) {
            this.go(next, { ...path, phase: 1, prefix: "" }, depth + 1);
          }
        }
        if (chars.word.length === 0) {
          return;
        }
        const phase = path.phase === 1 ? 2 : path.phase;
        const prefix = path.phase === 1 ? "" : path.prefix;
        if (chars.word.length > MAX_BRANCH) {
          if (phase === 0 && prefix.length === 0) {
            for (const char of chars.word) {
              this.open(path, char);
            }
          } else {
            this.open({ ...path, phase, prefix });
          }
          return;
        }
        for (const char of chars.word) {
          this.go(next, { ...path, phase, prefix: prefix + char }, depth + 1);
        }
      }
    }
  }
}

function walk(tree: RootNode, second: boolean): Walk {
  const walked = new Walk(second);
  walked.go({ node: tree, next: null }, { phase: 0, prefix: "", anchored: false });
  return walked;
}

function readFirstWords(tree: RootNode): FirstWords {
  const walked = walk(tree, false);
  const { words, prefixes, anyPosition, startOnly } = walked.found;
  if (walked.steps <= MAX_STEPS && words.size + prefixes.size <= MAX_KEYS) {
    return walked.found;
  }
  // Too many to list: their first letters say enough.
  const initials = new Set([...words, ...prefixes].map((key) => key.slice(0, 1)));
  return { words: new Set(), prefixes: initials, anyPosition, startOnly };
}

function readSecondWords(tree: RootNode): ReadonlySet<string> | null {
  const walked = walk(tree, true);
  if (walked.steps > MAX_STEPS || (walked.seconds?.size ?? 0) > MAX_KEYS) {
    return null;
  }
  return walked.seconds;
}

interface PhraseStarts {
  first: FirstWords;
  second: ReadonlySet<string> | null;
}

// Lists share phrases (cues.ts joins every intent's hard negatives into one list): each source is
// parsed and read once.
const analysed = new Map<string, PhraseStarts>();

function startsOf(source: string): PhraseStarts {
  let found = analysed.get(source);
  if (found === undefined) {
    const tree = regjsparser.parse(source, "", { lookbehind: true });
    found = { first: readFirstWords(tree), second: readSecondWords(tree) };
    analysed.set(source, found);
  }
  return found;
}

/** The words a match of `source`, bounded by non-word characters, can begin with. */
export function firstWords(source: string): FirstWords {
  return startsOf(source).first;
}

/**
 * The words a match beginning at a word must have second, or null when a match may end after its
 * first word or go on to words too many to list. A phrase need not be tried where the next word
 * is not one of them.
 */
export function secondWords(source: string): ReadonlySet<string> | null {
  return startsOf(source).second;
}
