import { LEXICONS } from "./lexicon.js";
import { normalize } from "./normalize.js";
import { PhraseIndex } from "./phrase-index.js";
import { INTENTS, type Intent } from "./types.js";

// Each intent's rules from every lexicon, merged and compiled once. Both languages are always
// tried: replies mix them ("ya pague the bill"), and a phrase list only tries the phrases that
// can begin at each word of the reply (phrase-index.ts).

export interface IntentMatcher {
  intent: Intent;
  exact: ReadonlySet<string>;
  tokens: ReadonlySet<string>;
  anywhere: ReadonlySet<string>;
  phrases: PhraseIndex | null;
  ignore: PhraseIndex | null;
  ignoreInQuestions: PhraseIndex | null;
}

function compile(intent: Intent): IntentMatcher {
  const exact = new Set<string>();
  const tokens = new Set<string>();
  const anywhere = new Set<string>();
  const phrases: string[] = [];
  const ignore: string[] = [];
  const ignoreInQuestions: string[] = [];
  for (const lexicon of LEXICONS) {
    const rules = lexicon.intents[intent];
    if (rules === undefined) {
      continue;
    }
    for (const entry of rules.exact) {
      exact.add(normalize(entry));
    }
    for (const entry of rules.tokens) {
      tokens.add(normalize(entry));
    }
    for (const entry of rules.anywhere) {
      anywhere.add(normalize(entry));
    }
    phrases.push(...rules.phrases);
    ignore.push(...rules.ignore);
    ignoreInQuestions.push(...rules.ignoreInQuestions);
  }
  return {
    intent,
    exact,
    tokens,
    anywhere,
    phrases: phrases.length === 0 ? null : PhraseIndex.of(phrases),
    ignore: ignore.length === 0 ? null : PhraseIndex.of(ignore),
    ignoreInQuestions: ignoreInQuestions.length === 0 ? null : PhraseIndex.of(ignoreInQuestions),
  };
}

export const MATCHERS: ReadonlyMap<Intent, IntentMatcher> = new Map(
  INTENTS.map((intent) => [intent, compile(intent)]),
);

export function matcherFor(intent: Intent): IntentMatcher {
  const matcher = MATCHERS.get(intent);
  if (matcher === undefined) {
    throw new Error(`No matcher for ${intent}`);
  }
  return matcher;
}

function blank(text: string, pattern: PhraseIndex | null): string {
  return pattern === null ? text : pattern.replace(text, "~");
}

/**
 * The normalised text with this intent's hard negatives blanked out as a "~" token; when the
 * reply asks a question, also the spans a question turns around ("¿es fraude?").
 */
export function masked(text: string, matcher: IntentMatcher, asking = false): string {
  const plain = blank(text, matcher.ignore);
  return asking ? blank(plain, matcher.ignoreInQuestions) : plain;
}

export function phraseMatch(text: string, matcher: IntentMatcher): string | null {
  return matcher.phrases?.first(text) ?? null;
}
