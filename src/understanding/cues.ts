import { z } from "zod";
import { MATCHERS } from "./intent-matchers.js";
import { LEXICONS } from "./lexicon.js";
import symbols from "./lexicons/symbols.json" with { type: "json" };
import { normalize, segments } from "./normalize.js";
import { PhraseIndex } from "./phrase-index.js";
import type { DateMention } from "./resolve-date.js";
import { INTENTS, type Intent } from "./types.js";

// The second stage: for a reply no phrase rule recognised, a weighted vote of cue words. Each
// lexicon lists, per intent, words, short phrases and stems ("overcharg*") with a weight; a few
// features of the reply ("#pastDate", "#amountQuestion") carry weights too (symbols.json). The
// intent whose cues sum highest wins when it reaches the threshold and leads every other intent,
// and the OTHER cues ("lol", "jk"), by the margin; anything weaker stays OTHER. A cue right after
// a negation in the same clause ("no he pagado", "haven't paid") does not count for intents that
// a negation turns around. STOP is never decided here: opt-outs stay rule-first.

const scoringSchema = z.object({
  threshold: z.number(),
  margin: z.number(),
  /** How many words before a cue a negation still reaches. */
  negationReach: z.number().int(),
  /** Intents whose cues a negation cancels ("haven't paid"); a dispute's "never" is its cue. */
  negatable: z.array(z.enum(INTENTS)),
  /** Words that negate, besides each lexicon's `negations`. */
  negations: z.array(z.string()),
  /** Weights of features of the whole reply, per intent. */
  features: z.partialRecord(z.enum(INTENTS), z.record(z.string(), z.number())),
  /**
   * Which intents the cues may overrule when phrase rules matched several, and by which: a
   * claim of payment beside a stronger dispute ("not mine … I paid for the brakes") is a dispute.
   */
  overrides: z.partialRecord(z.enum(INTENTS), z.array(z.enum(INTENTS))).default({}),
});

const scoring = scoringSchema.parse(symbols.cueScoring);

type Weighted = { intent: Intent; weight: number; cue: string };

const phrases = new Map<string, Weighted[]>();
const stems: { prefix: string; entry: Weighted }[] = [];
let longest = 1;
for (const lexicon of LEXICONS) {
  for (const [intent, cues] of Object.entries(lexicon.cues) as [Intent, Record<string, number>][]) {
    if (intent === "STOP") {
      throw new Error("STOP is never decided by cue words");
    }
    for (const [cue, weight] of Object.entries(cues)) {
      if (cue.endsWith("*")) {
        const prefix = normalize(cue.slice(0, -1));
        stems.push({ prefix, entry: { intent, weight, cue } });
        continue;
      }
      const key = normalize(cue);
      longest = Math.max(longest, key.split(" ").length);
      const list = phrases.get(key) ?? [];
      // A word both lexicons list ("zelle", "invoice") counts once, at its higher weight.
      const same = list.find((entry) => entry.intent === intent);
      if (same === undefined) {
        list.push({ intent, weight, cue });
      } else {
        same.weight = Math.max(same.weight, weight);
      }
      phrases.set(key, list);
    }
  }
}
// The words a cue can start with: most replies that reach this stage hold none of them.
const firstWords = new Set([...phrases.keys()].map((key) => key.split(" ")[0] ?? key));

function mayHoldCues(words: readonly string[]): boolean {
  return words.some(
    (word) => firstWords.has(word) || stems.some((stem) => word.startsWith(stem.prefix)),
  );
}

// Every intent's hard negatives ("get paid", "the plan you set up", "stop by") hold no cue; the
// intents' own lists, joined into one index.
const HARD_NEGATIVES = PhraseIndex.concat(
  [...MATCHERS.values()].flatMap((matcher) =>
    matcher.intent === "STOP" || matcher.ignore === null ? [] : [matcher.ignore],
  ),
);

function withoutHardNegatives(clause: string): string {
  return HARD_NEGATIVES.replace(clause, "~");
}

const negationWords = new Set([
  ...LEXICONS.flatMap((lexicon) => lexicon.negations),
  ...scoring.negations,
]);

const AMOUNT = /\$ ?\d|\d+(?:[.,]\d+)? ?(?:dollars|dolares|bucks|usd)\b/i;
const AMOUNT_QUESTION = /(?:\$ ?\d[\d.,]*|\d+ ?(?:dollars|dolares|bucks))[^.!\n]*\?/i;
const QUESTION = /[?¿]/;

export interface CueVote {
  intent: Intent;
  evidence: string[];
}

function featuresOf(raw: string, mentions: readonly DateMention[]): string[] {
  const found: string[] = [];
  if (QUESTION.test(raw)) {
    found.push("#question");
  }
  if (AMOUNT.test(raw)) {
    found.push("#amount");
  }
  if (AMOUNT_QUESTION.test(raw)) {
    found.push("#amountQuestion");
  }
  if (mentions.some((mention) => mention.past && !mention.idle)) {
    found.push("#pastDate");
  }
  if (mentions.some((mention) => !mention.past && !mention.idle && !mention.negated)) {
    found.push("#futureDate");
  }
  return found;
}

/** The cues found in one clause, longest phrase first, each word counted once. */
function clauseCues(words: readonly string[], found: { entry: Weighted; negated: boolean }[]) {
  let lastNegation = Number.NEGATIVE_INFINITY;
  for (let at = 0; at < words.length; ) {
    let taken = 0;
    const negated = at - lastNegation <= scoring.negationReach;
    for (let size = Math.min(longest, words.length - at); size >= 1 && taken === 0; size -= 1) {
      const list = phrases.get(
        size === 1 ? (words[at] ?? "") : words.slice(at, at + size).join(" "),
      );
      if (list !== undefined) {
        for (const entry of list) {
          found.push({ entry, negated });
        }
        taken = size;
      }
    }
    if (taken === 0) {
      const word = words[at] ?? "";
      for (const stem of stems) {
        if (word.startsWith(stem.prefix)) {
          found.push({ entry: stem.entry, negated });
          taken = 1;
        }
      }
    }
    if (negationWords.has(words[at] ?? "")) {
      lastNegation = at;
    }
    at += Math.max(taken, 1);
  }
}

interface CueScores {
  scores: Map<Intent, number>;
  why: Map<Intent, string[]>;
}

function addCue(found: CueScores, intent: Intent, weight: number, label: string): void {
  found.scores.set(intent, (found.scores.get(intent) ?? 0) + weight);
  const list = found.why.get(intent) ?? [];
  list.push(`${label} ${weight}`);
  found.why.set(intent, list);
}

/** Every intent's cue score for the reply (an intent with no cue is absent). */
function scoreCues(
  raw: string,
  words: readonly string[],
  mentions: readonly DateMention[],
): CueScores | null {
  if (!mayHoldCues(words)) {
    return null;
  }
  const found: { entry: Weighted; negated: boolean }[] = [];
  for (const clause of segments(raw)) {
    clauseCues(withoutHardNegatives(clause).split(" "), found);
  }
  if (found.length === 0) {
    return null;
  }
  const result: CueScores = { scores: new Map(), why: new Map() };
  const { scores } = result;
  for (const { entry, negated } of found) {
    if (negated && scoring.negatable.includes(entry.intent)) {
      continue;
    }
    addCue(result, entry.intent, entry.weight, `"${entry.cue}"`);
  }
  for (const feature of featuresOf(raw, mentions)) {
    for (const [intent, weights] of Object.entries(scoring.features) as [
      Intent,
      Record<string, number>,
    ][]) {
      const weight = weights[feature];
      if (weight !== undefined && scores.has(intent)) {
        addCue(result, intent, weight, feature);
      }
    }
  }
  return result;
}

function describe(found: CueScores, intent: Intent, top: number, next: number): string {
  return `${intent} cues ${(found.why.get(intent) ?? []).join(", ")} (score ${top.toFixed(1)}, next ${next.toFixed(1)})`;
}

/**
 * The second stage's vote for a reply the phrase rules left as OTHER, or null when no intent
 * clears the threshold and margin.
 */
export function voteByCues(
  raw: string,
  words: readonly string[],
  mentions: readonly DateMention[],
): CueVote | null {
  const found = scoreCues(raw, words, mentions);
  if (found === null) {
    return null;
  }
  let best: Intent | null = null;
  let top = Number.NEGATIVE_INFINITY;
  let runnerUp = 0;
  for (const [intent, score] of found.scores) {
    if (score > top) {
      if (best !== null) {
        runnerUp = Math.max(runnerUp, top);
      }
      best = intent;
      top = score;
    } else {
      runnerUp = Math.max(runnerUp, score);
    }
  }
  if (
    best === null ||
    best === "OTHER" ||
    top < scoring.threshold ||
    top - runnerUp < scoring.margin
  ) {
    return null;
  }
  return { intent: best, evidence: [describe(found, best, top, runnerUp)] };
}

/**
 * When phrase rules matched several intents, the cue words may overrule the priority order: a
 * later-matched intent whose cues clear the threshold and lead the first's by the margin wins
 * ("That's not mine, I paid for the brakes already and this is for an oil change I never got").
 */
export function overrideByCues(
  raw: string,
  words: readonly string[],
  mentions: readonly DateMention[],
  first: Intent,
  others: readonly Intent[],
): CueVote | null {
  const allowed = scoring.overrides[first];
  if (allowed === undefined || !others.some((intent) => allowed.includes(intent))) {
    return null;
  }
  const found = scoreCues(raw, words, mentions);
  if (found === null) {
    return null;
  }
  const base = found.scores.get(first) ?? 0;
  for (const intent of others) {
    if (!allowed.includes(intent)) {
      continue;
    }
    const score = found.scores.get(intent) ?? 0;
    if (score >= scoring.threshold && score - base >= scoring.margin) {
      return { intent, evidence: [`${describe(found, intent, score, base)} over ${first}`] };
    }
  }
  return null;
}
