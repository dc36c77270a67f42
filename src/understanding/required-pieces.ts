import regjsparser, { type RootNode } from "regjsparser";

// Text every match of a phrase must hold, read from the expression, so a phrase list can skip a
// phrase whose words are nowhere in a reply before running it (phrase-index.ts). Most tries that
// get past a phrase's first and second words still fail, further on, on a word the reply does not
// have ("no me escriban en ingles" tried on every "no me ..."); finding that word missing is a
// string search, a failed match is a regular expression run. Read wide, never narrow: a piece is
// listed only if every match holds it (or one of its alternatives).

// A set of alternatives wider than this says little: it is not listed.
const MAX_ALTERNATIVES = 6;
// Shorter pieces are in most replies.
const MIN_LENGTH = 3;

/** A group that consumes text: not a lookaround. */
function consumes(group: RootNode & { type: "group" }): boolean {
  return group.behavior === "normal" || group.behavior === "ignore";
}

/** What every branch gives, together; null when a branch gives nothing or too many. */
function fromEachBranch(
  branches: readonly RootNode[],
  read: (node: RootNode) => string[] | null,
): string[] | null {
  const all: string[] = [];
  for (const branch of branches) {
    const found = read(branch);
    if (found === null) {
      return null;
    }
    all.push(...found);
  }
  return all.length > MAX_ALTERNATIVES ? null : all;
}

/** Every string the node can match, when that is a small set of literals; null otherwise. */
function literalsOf(node: RootNode): string[] | null {
  switch (node.type) {
    case "value":
      return [String.fromCodePoint(node.codePoint)];
    case "alternative":
      return sequenceLiterals(node.body);
    case "disjunction":
      return fromEachBranch(node.body, literalsOf);
    case "group":
      return consumes(node) ? sequenceLiterals(node.body) : null;
    default:
      return null;
  }
}

function sequenceLiterals(terms: readonly RootNode[]): string[] | null {
  let strings = [""];
  for (const term of terms) {
    const literals = literalsOf(term);
    if (literals === null || strings.length * literals.length > MAX_ALTERNATIVES) {
      return null;
    }
    strings = strings.flatMap((head) => literals.map((tail) => head + tail));
  }
  return strings;
}

// Beyond this length a piece is about as rare as a longer one; fewer pieces then search faster.
const TELLING_LENGTH = 6;

/** The more telling of two candidate sets: longer shortest piece, then fewer alternatives. */
function better(a: string[] | null, b: string[] | null): string[] | null {
  const score = (set: string[] | null) =>
    set === null || set.length === 0
      ? -1
      : Math.min(TELLING_LENGTH, ...set.map((piece) => piece.length));
  const scoreA = score(a);
  const scoreB = score(b);
  if (scoreA !== scoreB) {
    return scoreA > scoreB ? a : b;
  }
  return (a?.length ?? Number.POSITIVE_INFINITY) <= (b?.length ?? Number.POSITIVE_INFINITY) ? a : b;
}

/** Pieces of which every match of the node holds one, or null when none is known. */
function requiredOf(node: RootNode): string[] | null {
  switch (node.type) {
    case "alternative":
      return requiredInSequence(node.body);
    case "disjunction":
      // A match comes from one branch: it holds one of that branch's pieces.
      return fromEachBranch(node.body, requiredOf);
    case "group":
      return consumes(node) ? requiredInSequence(node.body) : null;
    case "quantifier":
      return node.min >= 1 ? requiredOf(node.body[0] as RootNode) : null;
    default:
      return literalsOf(node);
  }
}

/**
 * In a sequence, each run of literal steps is matched as one piece; a step that may match
 * nothing or anything ends the run, and a step that must match brings its own pieces.
 */
function requiredInSequence(terms: readonly RootNode[]): string[] | null {
  let best: string[] | null = null;
  let run: string[] | null = null;
  for (const term of terms) {
    const literals = literalsOf(term);
    if (literals !== null) {
      // A step alone is a candidate too: fewer pieces than the run it joins.
      best = better(best, literals);
      const joined: string[] | null =
        run === null
          ? literals
          : run.length * literals.length > MAX_ALTERNATIVES
            ? null
            : run.flatMap((head) => literals.map((tail) => head + tail));
      if (joined === null) {
        best = better(best, run);
        run = literals;
      } else {
        run = joined;
      }
      continue;
    }
    best = better(best, run);
    run = null;
    best = better(best, requiredOf(term));
  }
  return better(best, run);
}

const read = new Map<string, readonly string[] | null>();

/**
 * Pieces of text of which every match of `source` holds one, or null when none worth checking is
 * known (each at least a few characters long).
 */
export function requiredPieces(source: string): readonly string[] | null {
  let pieces = read.get(source);
  if (pieces === undefined) {
    const found = requiredOf(regjsparser.parse(source, "", { lookbehind: true }));
    pieces =
      found === null || found.length === 0 || found.some((piece) => piece.length < MIN_LENGTH)
        ? null
        : [...new Set(found)];
    read.set(source, pieces);
  }
  return pieces;
}
