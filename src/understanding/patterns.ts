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

// V8 never optimises a regular expression whose source is longer than 20 KiB
// (kRegExpTooLargeToOptimize): it runs several times slower. A long list of phrases is
// therefore compiled as several expressions, each under this length, tried as one.
const MAX_SOURCE = 16_000;

/**
 * An alternation of regular-expression sources, each a whole word of the normalised text,
 * compiled as one expression or, when that would be too long for V8 to optimise, as several.
 * It matches exactly as `bounded(sources.join("|"), "g")` would: the leftmost match, and at
 * that position the first source in order.
 */
export class Alternation {
  private constructor(readonly parts: readonly RegExp[]) {}

  /** `longest` is the most source characters one compiled part may hold (tests set it small). */
  static of(sources: readonly string[], longest = MAX_SOURCE): Alternation {
    const parts: RegExp[] = [];
    let chunk: string[] = [];
    let length = 0;
    for (const source of sources) {
      if (chunk.length > 0 && length + source.length + 1 > longest) {
        parts.push(bounded(chunk.join("|"), "g"));
        chunk = [];
        length = 0;
      }
      chunk.push(source);
      length += source.length + 1;
    }
    if (chunk.length > 0) {
      parts.push(bounded(chunk.join("|"), "g"));
    }
    return new Alternation(parts);
  }

  /** Several alternations as one, in order, sharing their compiled expressions. */
  static concat(alternations: readonly Alternation[]): Alternation {
    return new Alternation(alternations.flatMap((alternation) => alternation.parts));
  }

  /** The leftmost match at or after `from`, the earlier part winning a tie. */
  private next(text: string, from: number): RegExpExecArray | null {
    let best: RegExpExecArray | null = null;
    for (const part of this.parts) {
      part.lastIndex = from;
      const found = part.exec(text);
      if (found !== null && (best === null || found.index < best.index)) {
        best = found;
      }
    }
    return best;
  }

  /** The first match's text, or null. */
  first(text: string): string | null {
    return this.next(text, 0)?.[0] ?? null;
  }

  /** Every match replaced by `by`, as `text.replace(/.../g, by)` would. */
  replace(text: string, by: string): string {
    const only = this.parts.length === 1 ? this.parts[0] : undefined;
    if (only !== undefined) {
      only.lastIndex = 0;
      return text.replace(only, by);
    }
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
