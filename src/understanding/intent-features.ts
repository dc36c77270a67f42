// The features the learned intent model reads from a normalised reply (intent-model.ts), shared
// with its trainer (test/tools/train-intent-model.ts) so both see a reply the same way: its words,
// its word pairs, and the four-letter pieces of its words, which still match when a word is
// misspelt ("unsubscirbe" shares "<uns", "unsu", "nsub" with "unsubscribe").

const PIECE = 4;

/** What one word brings whatever surrounds it: itself and its pieces. */
export function wordFeatures(word: string): string[] {
  const features = [word];
  const marked = `<${word}>`;
  for (let start = 0; start + PIECE <= marked.length; start += 1) {
    features.push(`#${marked.slice(start, start + PIECE)}`);
  }
  return features;
}

export function pairFeature(word: string, next: string): string {
  return `${word}_${next}`;
}

/** Marks a reply of three words or fewer. */
export const SHORT_REPLY = "$short";

export function wordsOf(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(" ");
}

export function intentFeatures(normalized: string): string[] {
  const words = wordsOf(normalized);
  const features: string[] = [];
  for (let at = 0; at < words.length; at += 1) {
    const word = words[at] ?? "";
    features.push(...wordFeatures(word));
    const next = words[at + 1];
    if (next !== undefined) {
      features.push(pairFeature(word, next));
    }
  }
  if (words.length <= 3) {
    features.push(SHORT_REPLY);
  }
  return features;
}
