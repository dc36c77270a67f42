import { z } from "zod";
import en from "./lexicons/en.json" with { type: "json" };
import es from "./lexicons/es.json" with { type: "json" };
import { INTENTS, type Intent, type Language } from "./types.js";

// The vocabulary lives in one JSON file per language; this module checks its shape once at load
// and exposes it. Everything language-specific is data: adding a language is adding a file.

const intentRules = z.object({
  /** Whole normalised message equals one of these. */
  exact: z.array(z.string()).default([]),
  /** Short messages (≤ 5 tokens) that contain one of these words (compliance REQ-03). */
  tokens: z.array(z.string()).default([]),
  /** Regular-expression sources matched anywhere against the normalised text. */
  phrases: z.array(z.string()).default([]),
  /**
   * Opt-out words that count at any length (compliance REQ-05 would pause and review such a
   * reply; with no review intent, the safe reading is STOP).
   */
  anywhere: z.array(z.string()).default([]),
  /** Spans removed before this intent is matched: the hard negatives ("stop by", "fin de mes"). */
  ignore: z.array(z.string()).default([]),
  /**
   * Spans removed only when the reply asks (a "?" or "¿"): "¿es fraude?" asks what this is,
   * "es un fraude" says it.
   */
  ignoreInQuestions: z.array(z.string()).default([]),
});

const wordTable = z.record(z.string(), z.number());

const dateVocabulary = z.object({
  weekdays: wordTable,
  months: wordTable,
  relativeDays: wordTable,
  /**
   * "right now", "ahorita": today, but only beside a word of paying ("ahorita le pago"); beside
   * anything else they describe the moment ("money is tight right now", "ahorita no tengo").
   */
  presentDays: wordTable.default({}),
  partsOfDay: wordTable,
  weekdayPrefixes: z.record(z.string(), z.enum(["next", "this", "plain", "past", "weekAfter"])),
  weekdaySuffixes: z.record(
    z.string(),
    z.enum(["next", "this", "plain", "past", "afterNext", "weekAfter"]),
  ),
  weeks: wordTable,
  weekends: wordTable,
  /**
   * A weekday after one of these names a habit, not a day ("every Friday", "cada viernes", "los
   * sábados"): never the promise.
   */
  habitPrefixes: z.array(z.string()).default([]),
  /**
   * Plural weekday forms; after one of `pluralHabitPrefixes` ("open Saturdays", "on Mondays")
   * they name a habit too. Alone they stay a day, since "Friday's fine" normalises to "fridays".
   */
  pluralWeekdays: z.array(z.string()).default([]),
  pluralHabitPrefixes: z.array(z.string()).default([]),
  monthEnds: wordTable,
  monthStarts: wordTable,
  /** "a fin de quincena": the end of the half-month, the 15th or the month's last day. */
  fortnightEnds: wordTable.default({}),
  numbers: wordTable,
  units: z.record(z.string(), z.enum(["d", "w", "m"])),
  inWords: z.array(z.string()),
  ordinals: wordTable,
  ordinalSuffixes: z.array(z.string()),
  dayOfMonthPrefixes: z.array(z.string()),
  holidays: z.record(z.string(), z.string()),
  holidayRelations: wordTable,
  /** Holidays that end a range ("fin de año"): "before" them still means by them. */
  rangeEndHolidays: z.array(z.string()),
  /** "after"/"antes de" before any date: a day later or earlier. */
  relations: wordTable,
  amountWords: z.array(z.string()),
  /**
   * Words that, like a negation, say the day beside them is not when the customer can pay: the
   * reason given for a later day ("I'll pay in the morning, too tired tonight").
   */
  unableWords: z.array(z.string()).default([]),
});

const lexiconSchema = z.object({
  language: z.enum(["en", "es"]),
  markers: z.array(z.string()),
  intents: z.record(z.string(), intentRules),
  dates: dateVocabulary,
  /**
   * Opt-out by composition: a refusal cue ("no quiero", "don't want") followed within a few
   * words by a messaging word ("mensajes", "texts"), however the rest is phrased.
   */
  optOut: z.object({
    cues: z.array(z.string()),
    channels: z.array(z.string()),
    /**
     * A messaging verb in any conjugation or texting spelling (regular-expression sources:
     * "textien", "textiarme", "mensajeen"), an opt-out when one of `negations` stands before it
     * with only `fillers` between ("ya no me textien porfa"). Past forms are left out on purpose
     * ("nunca me textearon" reports, it does not refuse).
     */
    verbs: z.array(z.string()).default([]),
    negations: z.array(z.string()).default([]),
    fillers: z.array(z.string()).default([]),
    /**
     * Refusals that may come after the messaging word and end the reply ("texts no more",
     * "los mensajes ya basta").
     */
    closers: z.array(z.string()).default([]),
    /**
     * The last look (a scoring fallback, like the cue stage): in a short reply, one of these
     * refusals and a messaging word (`channels`, `verbs`) anywhere, in either order ("mensajes no
     * quiero mas", "these reminders I dont need"). Only refusals that say "none of it" on their
     * own: a bare "no" or "ya no" also reports ("no me llegó el mensaje").
     */
    anywhereCues: z.array(z.string()).default([]),
    /**
     * What may follow such a refusal for it to count: a messaging word, one of these, or the end
     * ("I don't want them", "no quiero mas"); "no quiero pagar", "I don't need a receipt" refuse
     * something else.
     */
    governed: z.array(z.string()).default([]),
    /**
     * An explicit wish to keep receiving ("don't stop the reminders, they help", "no paren de
     * mandarme recordatorios"), regular-expression sources matched from the start of one clause
     * of the raw reply; blanked only when the reply goes on after it, so "Don't. Stop the texts."
     * (two clauses) and a bare "dont stop the texts" stay STOP.
     */
    keepWishes: z.array(z.string()).default([]),
    /**
     * Threats ("see what happens", "I'll report you"): a reply that holds one wishes nothing kept,
     * so no clause of it is blanked as a keep wish.
     */
    keepThreats: z.array(z.string()).default([]),
    /**
     * Refusals and sarcasm ("I'm done", "see if I care", "nobody reads this number"): beside them
     * "keep texting me" dares, and is an opt-out, not a wish to keep.
     */
    keepRefusals: z.array(z.string()).default([]),
    /** The messages told to keep coming, in any form ("keep sending the reminders"). */
    keepOnForms: z.array(z.string()).default([]),
  }),
  /** Words of paying; with a future date and nothing else matched, the reply is a promise. */
  payWords: z.array(z.string()),
  /** Words that turn a bare date into a refusal ("not right now"). */
  negations: z.array(z.string()),
  /** Words that may stand beside a date in a reply that is only a date ("el viernes ok"). */
  dateOnlyFillers: z.array(z.string()),
  /**
   * Words that, right after a date opening the reply, say what the payment waits for ("monday
   * when the banks open", "el viernes cuando me paguen"): the date answers the reminder.
   */
  promiseConnectors: z.array(z.string()).default([]),
  /**
   * Words that put an answer off ("mañana te digo", "I'll let you know Friday"): a date beside
   * them is when the customer will answer, not when they will pay.
   */
  deferrals: z.array(z.string()).default([]),
  /**
   * Words of the customer's own income ("I get paid", "me pagan", "payday"): of two dates in
   * different clauses, the one beside them is when the money comes, the other the promise
   * ("Friday? I get paid Thursday night").
   */
  incomeWords: z.array(z.string()).default([]),
  /**
   * The second stage's cue words (cues.ts), per intent: a word, a short phrase or a stem
   * ("transfer*") and its weight; OTHER's cues ("lol", "jk") count against every intent.
   */
  cues: z.partialRecord(z.enum(INTENTS), z.record(z.string(), z.number())).default({}),
});

export type Lexicon = z.infer<typeof lexiconSchema>;
export type IntentRules = z.infer<typeof intentRules>;
export type DateVocabulary = z.infer<typeof dateVocabulary>;

export const LEXICONS: readonly Lexicon[] = [lexiconSchema.parse(en), lexiconSchema.parse(es)];

export function rulesFor(lexicon: Lexicon, intent: Intent): IntentRules | undefined {
  return lexicon.intents[intent];
}

export function lexiconOf(language: Language): Lexicon {
  const found = LEXICONS.find((lexicon) => lexicon.language === language);
  if (found === undefined) {
    throw new Error(`No lexicon for ${language}`);
  }
  return found;
}
