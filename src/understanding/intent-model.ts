import { z } from "zod";
import { intentFeatures } from "./intent-features.js";
import { masked, matcherFor } from "./intent-matchers.js";
import trained from "./lexicons/intent-model.json" with { type: "json" };
import { INTENTS, type Intent } from "./types.js";

// A second opinion for the replies the rules are least sure of. The rules decide by phrases and
// cue words written by hand; a reply worded unlike any of them falls to OTHER or to a weak cue
// vote. This model (multinomial logistic regression over words, word pairs and four-letter pieces
// of words) is learned from the labeled corpus by test/tools/train-intent-model.ts and shipped as
// data, so it is as deterministic as the lexicons. Measured on 1,500 replies it never saw, it
// turned 92.5% into 95.6% (src/understanding/README.md).

const modelSchema = z.object({
  trainedOn: z.object({ replies: z.number().int(), sha256: z.string() }),
  intents: z.array(z.enum(INTENTS)),
  bias: z.array(z.number()),
  weights: z.record(z.string(), z.array(z.number())),
});

export type IntentModelData = z.infer<typeof modelSchema>;

export interface ModelOpinion {
  intent: Intent;
  probability: number;
  /** The reply's words that pulled hardest toward `intent`. */
  because: string[];
}

export class IntentModel {
  private readonly weights: Map<string, Float64Array>;

  constructor(readonly data: IntentModelData) {
    this.weights = new Map(
      Object.entries(data.weights).map(([feature, row]) => [feature, Float64Array.from(row)]),
    );
  }

  opinion(normalized: string): ModelOpinion | null {
    const { intents, bias } = this.data;
    const scores = Float64Array.from(bias);
    const seen: [string, Float64Array][] = [];
    for (const feature of intentFeatures(normalized)) {
      const row = this.weights.get(feature);
      if (row === undefined) {
        continue;
      }
      seen.push([feature, row]);
      for (let k = 0; k < scores.length; k += 1) {
        scores[k] = (scores[k] ?? 0) + (row[k] ?? 0);
      }
    }
    if (seen.length === 0) {
      return null;
    }
    let best = 0;
    for (let k = 1; k < scores.length; k += 1) {
      if ((scores[k] ?? 0) > (scores[best] ?? 0)) {
        best = k;
      }
    }
    let total = 0;
    for (const score of scores) {
      total += Math.exp(score - (scores[best] ?? 0));
    }
    const intent = intents[best];
    if (intent === undefined) {
      return null;
    }
    // The words worth showing staff: no letter pieces, no two-letter words ("no", "el").
    const because = [...new Map(seen)]
      .filter(([feature]) => /^[a-z0-9]{3,}(?:_[a-z0-9]+)?$|^[a-z0-9]+_[a-z0-9]{3,}$/.test(feature))
      .sort((a, b) => (b[1][best] ?? 0) - (a[1][best] ?? 0))
      .slice(0, 3)
      .filter(([, row]) => (row[best] ?? 0) > 0)
      .map(([feature]) => feature.replace("_", " "));
    return { intent, probability: 1 / total, because };
  }
}

export const INTENT_MODEL = new IntentModel(modelSchema.parse(trained));

/** What the rules decided, before the second opinion. */
export interface RuleDecision {
  intent: Intent;
  confidence: number;
  evidence: string[];
}

// The rules' confidence below which a decision is a weak one (a cue vote, a bare date, a menu
// answer); phrase matches score 0.9 and above and are never overturned.
const WEAK_DECISION = 0.8;
// How sure the model must be to replace OTHER, and to replace a weak decision.
const OVER_OTHER = 0.4;
const OVER_WEAK = 0.6;

const QUESTION = /[?¿]/;

/**
 * The rules' decision, with the model consulted when it is OTHER or a weak one. The model may not
 * name an intent whose hard negatives the reply holds: "I haven't paid yet" is one of PAID's
 * (its lexicon `ignore` spans), whatever the word "paid" taught the model.
 */
export function secondOpinion(
  decision: RuleDecision,
  normalized: string,
  raw: string,
): RuleDecision {
  if (decision.intent === "STOP" || decision.confidence >= WEAK_DECISION) {
    return decision;
  }
  const opinion = INTENT_MODEL.opinion(normalized);
  if (
    opinion === null ||
    masked(normalized, matcherFor(opinion.intent), QUESTION.test(raw)) !== normalized
  ) {
    return decision;
  }
  return withSecondOpinion(decision, opinion);
}

/**
 * The decision after the model's second opinion. An opt-out found by the rules is never
 * overturned, and the model never proposes START (a re-subscription must be asked for in the
 * words the rules know). Over OTHER the model may say STOP: a missed opt-out costs more.
 */
export function withSecondOpinion(
  decision: RuleDecision,
  opinion: ModelOpinion | null,
): RuleDecision {
  if (
    opinion === null ||
    decision.intent === "STOP" ||
    opinion.intent === "START" ||
    opinion.intent === decision.intent
  ) {
    return decision;
  }
  const overOther = decision.intent === "OTHER" && opinion.probability >= OVER_OTHER;
  const overWeak =
    decision.intent !== "OTHER" &&
    decision.confidence < WEAK_DECISION &&
    opinion.intent !== "STOP" &&
    opinion.probability >= OVER_WEAK;
  if (!overOther && !overWeak) {
    return decision;
  }
  const words = opinion.because.length === 0 ? "" : `: "${opinion.because.join('", "')}"`;
  return {
    intent: opinion.intent,
    // Never as sure as a phrase rule.
    confidence: Math.min(0.85, Math.round(opinion.probability * 100) / 100),
    evidence: [
      ...decision.evidence,
      `model ${opinion.intent} ${opinion.probability.toFixed(2)} over ${decision.intent}${words}`,
    ],
  };
}
