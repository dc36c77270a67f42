import symbols from "./lexicons/symbols.json" with { type: "json" };

// Opt-out keywords typed with one slip ("sstop", "stpo", "basra"). Only for very short replies,
// and never for real words one edit away ("step", "shop", "alta": ALTA must never read as ALTO).

const keywords = symbols.fuzzyKeywords;
const exclusions = new Set(symbols.fuzzyExclusions);
// Indexed by first letter: a slip rarely hits the first one, and most tokens then cost nothing.
const channelWords = new Map<string, string[]>();
for (const word of symbols.fuzzyChannels.words) {
  const first = word[0] ?? "";
  channelWords.set(first, [...(channelWords.get(first) ?? []), word]);
}
const channelExclusions = new Set([
  ...symbols.fuzzyChannels.exclusions,
  ...symbols.fuzzyChannels.words,
]);
const CHANNEL_MIN_LENGTH = 6;

/** Optimal string alignment distance, stopping early once it exceeds 1. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) {
    return false;
  }
  const previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_unused, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (previous2[j - 2] ?? 0) + 1);
      }
      current[j] = value;
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > 1) {
      return false;
    }
    previous2.splice(0, previous2.length, ...previous);
    previous = current;
  }
  return (previous[b.length] ?? 2) <= 1;
}

/** The opt-out keyword this token is a one-slip typo of, if any. */
export function fuzzyOptOutKeyword(token: string): string | null {
  if (token.length < 3 || exclusions.has(token)) {
    return null;
  }
  return keywords.find((keyword) => keyword.length >= 4 && withinOneEdit(token, keyword)) ?? null;
}

/**
 * The messaging word ("mensajes", "messages", "reminders") this token is a one-slip typo of, if
 * any, the first letter kept: "mensjes", "mesnajes", "messges". Only words of six letters or
 * more, and never the real words one edit away listed in `fuzzyChannels.exclusions`
 * ("testing" is not "texting", "massage" not "message").
 */
export function fuzzyChannelWord(token: string): string | null {
  if (token.length < CHANNEL_MIN_LENGTH || channelExclusions.has(token)) {
    return null;
  }
  const candidates = channelWords.get(token[0] ?? "");
  if (candidates === undefined) {
    return null;
  }
  return candidates.find((word) => word !== token && withinOneEdit(token, word)) ?? null;
}
