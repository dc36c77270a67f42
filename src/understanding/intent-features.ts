// The features the learned intent model reads from a normalised reply (intent-model.ts), shared
// with its trainer (test/tools/train-intent-model.ts) so both see a reply the same way: its words,
// its word pairs, and the four-letter pieces of its words, which still match when a word is
// misspelt ("unsubscirbe" shares "<uns", "unsu", "nsub" with "unsubscribe").

const PIECE = 4;

export function intentFeatures(normalized: string): string[] {
  const words = normalized.length === 0 ? [] : normalized.split(" ");
  const features: string[] = [];
  for (let at = 0; at < words.length; at += 1) {
    const word = words[at] ?? "";
    features.push(word);
    const next = words[at + 1];
    if (next !== undefined) {
      features.push(`${word}_${next}`);
    }
    const marked = `<${word}>`;
    for (let start = 0; start + PIECE <= marked.length; start += 1) {
      features.push(`#${marked.slice(start, start + PIECE)}`);
    }
  }
  if (words.length <= 3) {
    features.push("$short");
  }
  return features;
}
