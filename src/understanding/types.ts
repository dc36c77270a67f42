import type { Intent } from "../domain/intents.js";

export { INTENTS, type Intent } from "../domain/intents.js";

export type Language = "en" | "es";

/** A calendar date as `YYYY-MM-DD`, in the customer's time zone. */
export type CalendarDate = string;

export interface ClassifyOptions {
  /** The instant the reply arrived; every relative date is read against it. */
  now: Date;
  /** IANA time zone of the customer, e.g. `America/Chicago`. */
  timeZone: string;
  /** The thread's known language; only breaks ties when the text itself does not tell. */
  language?: Language;
}

export interface ReplyClassification {
  intent: Intent;
  language: Language;
  /** Only for `PROMISE`, and only when the reply names a day. */
  promiseDate: CalendarDate | null;
  /** Only for `PLAN`, when the reply names how many parts. */
  installments: number | null;
  confidence: number;
  /** What matched, in order, so staff can see why the bot decided. */
  evidence: string[];
}
