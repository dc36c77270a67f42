import { LEXICONS } from "./lexicon.js";
import symbols from "./lexicons/symbols.json" with { type: "json" };
import { normalize } from "./normalize.js";
import type { Language } from "./types.js";

// Counts marker words of each language; accents and ¿¡ are strong Spanish signals that
// normalisation would otherwise erase. Spanglish goes to whichever language carries more of
// the message; a tie falls back to the thread's known language, then English.

// A language's markers are its marker list plus the words of its exact replies and date
// vocabulary; a word that both languages claim ("no", "me", "info") tells nothing and is dropped.
function wordsOf(phrases: Iterable<string>): string[] {
  return [...phrases].flatMap((phrase) => normalize(phrase).split(" "));
}

const claimed = LEXICONS.map((lexicon) => {
  const dates = lexicon.dates;
  return {
    language: lexicon.language,
    words: new Set([
      ...wordsOf(lexicon.markers),
      ...wordsOf(Object.values(lexicon.intents).flatMap((rules) => rules.exact)),
      ...wordsOf(Object.keys(dates.weekdays)),
      ...wordsOf(Object.keys(dates.months)),
      ...wordsOf(Object.keys(dates.relativeDays)),
      ...wordsOf(Object.keys(dates.presentDays)),
      ...wordsOf(Object.keys(dates.holidays)),
    ]),
  };
});

// Keywords every customer is told to use ("Reply STOP") say nothing about their language.
const neutral = new Set(symbols.neutralWords);

const markerSets = claimed.map(({ language, words }) => ({
  language,
  markers: new Set(
    [...words].filter(
      (word) =>
        !neutral.has(word) &&
        claimed.every((other) => other.language === language || !other.words.has(word)),
    ),
  ),
}));
const englishMarkers = markerSets.find((set) => set.language === "en")?.markers ?? new Set();
const spanishMarkers = markerSets.find((set) => set.language === "es")?.markers ?? new Set();

const SPANISH_CHARACTERS = /[ñáéíóúü¿¡]/giu;

export function detectLanguage(raw: string, tokens: readonly string[], hint?: Language): Language {
  const scores = new Map<Language, number>();
  for (const { language, markers } of markerSets) {
    let score = 0;
    for (const token of tokens) {
      if (markers.has(token)) {
        score += 1;
      }
    }
    scores.set(language, score);
  }
  const accents = raw.match(SPANISH_CHARACTERS)?.length ?? 0;
  scores.set("es", (scores.get("es") ?? 0) + Math.min(accents, 3) * 1.5);

  const english = scores.get("en") ?? 0;
  const spanish = scores.get("es") ?? 0;
  if (spanish > english) {
    return "es";
  }
  if (english > spanish) {
    return "en";
  }
  if (hint !== undefined || english === 0) {
    return hint ?? "en";
  }
  // Spanglish with as many words of each: the language the reply starts in ("le pago next week").
  for (const token of tokens) {
    const inEnglish = englishMarkers.has(token);
    const inSpanish = spanishMarkers.has(token);
    if (inEnglish !== inSpanish) {
      return inEnglish ? "en" : "es";
    }
  }
  return "en";
}
