// Helpers that turn lexicon words into compiled regular expressions, once, at module load.

export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

/** An alternation of literal words, longest first so "pasado manana" wins over "manana". */
export function wordAlternation(words: Iterable<string>): string {
  const unique = [...new Set(words)].filter((word) => word.length > 0);
  unique.sort((a, b) => b.length - a.length);
  return unique.map(escapeRegExp).join("|");
}

/** Wraps a source so it only matches whole words of the normalised text. */
export function bounded(source: string, flags = "g"): RegExp {
  return new RegExp(`(?<![a-z0-9])(?:${source})(?![a-z0-9])`, flags);
}
