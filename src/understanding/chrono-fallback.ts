import * as chrono from "chrono-node";
import { dayNumber, fieldsOf, type LocalMoment } from "./calendar.js";
import type { DateMention } from "./resolve-date.js";
import type { Language } from "./types.js";

// chrono-node covers the long tail our own rules do not name ("Dec 5th at 3", "the 2nd of
// January", "a week from Tuesday"). It is only called when our rules found nothing and the text
// has a digit or a month name, which keeps it off the hot path.

const parsers: Record<Language, chrono.Chrono> = {
  en: chrono.en.casual,
  es: chrono.es.casual,
};

export function chronoDates(text: string, now: LocalMoment, language: Language): DateMention[] {
  const { year, month, day } = fieldsOf(now.day);
  // chrono reads the reference through the host's local fields; giving it the customer's wall
  // clock as local fields makes its calendar arithmetic happen in the customer's zone.
  const reference = new Date(year, month - 1, day, now.hour, 0, 0);
  const order: Language[] = language === "es" ? ["es", "en"] : ["en", "es"];
  for (const locale of order) {
    const results = parsers[locale].parse(text, reference, { forwardDate: true });
    const mentions = results.map((result) => {
      const start = result.start;
      const found = dayNumber(
        start.get("year") ?? year,
        start.get("month") ?? month,
        start.get("day") ?? day,
      );
      return {
        day: found,
        start: result.index,
        end: result.index + result.text.length,
        rule: `chrono-${locale}`,
        text: result.text,
        weak: !start.isCertain("day") && !start.isCertain("weekday"),
        negated: false,
        income: false,
        idle: false,
        past: found < now.day,
      };
    });
    if (mentions.length > 0) {
      return mentions;
    }
  }
  return [];
}
