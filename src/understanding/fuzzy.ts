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

/** Whether `a` and `b` from `from` on are the same characters. */
function sameFrom(a: string, aFrom: number, b: string, bFrom: number): boolean {
  if (a.length - aFrom !== b.length - bFrom) {
    return false;
  }
  for (let offset = 0; aFrom + offset < a.length; offset += 1) {
    if (a.charCodeAt(aFrom + offset) !== b.charCodeAt(bFrom + offset)) {
      return false;
    }
  }
  return true;
}

/**
 * Optimal string alignment distance at most 1 (one substitution, insertion, deletion or swap of
 * neighbours), in one pass and without allocating: it runs on most tokens of most replies.
 */
function withinOneEdit(a: string, b: string): boolean {
  const difference = a.length - b.length;
  if (difference > 1 || difference < -1) {
    return false;
  }
  let first = 0;
  const shorter = Math.min(a.length, b.length);
  while (first < shorter && a.charCodeAt(first) === b.charCodeAt(first)) {
    first += 1;
  }
  if (first === shorter) {
    return true;
  }
  if (difference === 1) {
    return sameFrom(a, first + 1, b, first);
  }
  if (difference === -1) {
    return sameFrom(a, first, b, first + 1);
  }
  return (
    sameFrom(a, first + 1, b, first + 1) ||
    (a.charCodeAt(first) === b.charCodeAt(first + 1) &&
      a.charCodeAt(first + 1) === b.charCodeAt(first) &&
      sameFrom(a, first + 2, b, first + 2))
  );
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
