import { createHash } from "node:crypto";
import { intentFeatures } from "../../src/understanding/intent-features.js";
import type { IntentModelData } from "../../src/understanding/intent-model.js";
import { normalize } from "../../src/understanding/normalize.js";
import { INTENTS, type Intent } from "../../src/understanding/types.js";

// Trains the learned second opinion (src/understanding/intent-model.ts) from labeled replies:
// multinomial logistic regression by stochastic gradient descent, in a fixed shuffled order, so the
// same corpus always gives the same weights.

export interface LabeledReply {
  text: string;
  intent: Intent;
}

export const TRAINING = {
  epochs: 15,
  rate: 0.2,
  l2: 1e-5,
  /** A feature must occur in at least this many replies to be kept. */
  minReplies: 2,
  seed: 1,
  /** Weights are stored rounded to this many decimals. */
  decimals: 3,
} as const;

/** The fingerprint of a training set: the model file records it, a test compares it. */
export function corpusFingerprint(replies: readonly LabeledReply[]): string {
  const hash = createHash("sha256");
  for (const reply of replies) {
    hash.update(`${reply.intent}\t${reply.text}\n`);
  }
  return hash.digest("hex");
}

/** A deterministic pseudo-random sequence (a linear congruential generator) for the shuffles. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export function trainIntentModel(replies: readonly LabeledReply[]): IntentModelData {
  const intents = [...INTENTS];
  const K = intents.length;
  const featureLists = replies.map((reply) => intentFeatures(normalize(reply.text)));
  const replyCount = new Map<string, number>();
  for (const features of featureLists) {
    for (const feature of new Set(features)) {
      replyCount.set(feature, (replyCount.get(feature) ?? 0) + 1);
    }
  }
  const vocabulary = new Map<string, number>();
  for (const [feature, count] of replyCount) {
    if (count >= TRAINING.minReplies) {
      vocabulary.set(feature, vocabulary.size);
    }
  }
  const inputs = featureLists.map((features) =>
    features.flatMap((feature) => {
      const index = vocabulary.get(feature);
      return index === undefined ? [] : [index];
    }),
  );
  const labels = replies.map((reply) => intents.indexOf(reply.intent));
  const weights = new Float64Array(vocabulary.size * K);
  const bias = new Float64Array(K);
  const order = replies.map((_, index) => index);
  const random = sequence(TRAINING.seed);
  const scores = new Float64Array(K);
  for (let epoch = 0; epoch < TRAINING.epochs; epoch += 1) {
    for (let at = order.length - 1; at > 0; at -= 1) {
      const other = Math.floor(random() * (at + 1));
      [order[at], order[other]] = [order[other] ?? 0, order[at] ?? 0];
    }
    for (const example of order) {
      const features = inputs[example] ?? [];
      let top = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k += 1) {
        let score = bias[k] ?? 0;
        for (const feature of features) {
          score += weights[feature * K + k] ?? 0;
        }
        scores[k] = score;
        top = Math.max(top, score);
      }
      let total = 0;
      for (let k = 0; k < K; k += 1) {
        scores[k] = Math.exp((scores[k] ?? 0) - top);
        total += scores[k] ?? 0;
      }
      // Long replies take smaller steps per feature, so a run-on does not outweigh a short one.
      const scale = features.length === 0 ? 0 : 1 / Math.sqrt(features.length);
      for (let k = 0; k < K; k += 1) {
        const gradient = (scores[k] ?? 0) / total - (k === labels[example] ? 1 : 0);
        bias[k] = (bias[k] ?? 0) - TRAINING.rate * gradient;
        for (const feature of features) {
          const at = feature * K + k;
          const weight = weights[at] ?? 0;
          weights[at] = weight - TRAINING.rate * (gradient * scale + TRAINING.l2 * weight);
        }
      }
    }
  }
  const round = (value: number) => {
    const factor = 10 ** TRAINING.decimals;
    return Math.round(value * factor) / factor || 0;
  };
  const table: Record<string, number[]> = {};
  for (const [feature, index] of [...vocabulary].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    table[feature] = [...weights.subarray(index * K, index * K + K)].map(round);
  }
  return {
    trainedOn: { replies: replies.length, sha256: corpusFingerprint(replies) },
    intents,
    bias: [...bias].map(round),
    weights: table,
  };
}
