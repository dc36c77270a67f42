import { z } from "zod";
import {
  addMonths,
  dayNumber,
  daysInMonth,
  endOfMonth,
  fieldsOf,
  type LocalMoment,
  mondayOf,
  nextWeekdayOnOrAfter,
  startOfMonth,
  validDay,
} from "./calendar.js";
import { besideHolidayWeekend, isHoliday, nextHoliday, weekdayBesideHoliday } from "./holidays.js";
import { type DateVocabulary, LEXICONS } from "./lexicon.js";
import symbols from "./lexicons/symbols.json" with { type: "json" };
import { clauseStarts } from "./normalize.js";
import { bounded, wordAlternation } from "./patterns.js";

// The date expressions replies actually use, resolved against the local arrival moment. The
// grammar (which words go together) is here; every word is in the lexicon files, and both
// languages are merged so Spanglish ("le pago next friday") works.
//
// Policy, chosen once for the whole product:
// - a bare weekday is the next such day after today ("Friday" said on a Friday is a week away);
//   "this Friday" may be today; "next Friday" / "el próximo viernes" is the Friday of next week
//   (weeks run Monday to Sunday);
// - a vague range resolves to the Friday of that week, a weekend to its Saturday; on a
//   Saturday or Sunday "this week" is the week about to start;
// - a day of the month, a numeric date or a month name is the next such date on or after today;
//   for "5/12" the reading (M/D or D/M) that comes sooner wins, since promises are near;
// - a part of the day ("en la mañana") is today unless that part is already over;
// - "after"/"antes de" move a day by one ("after the 15th" is the 16th), except the end of a
//   range ("before the end of the month" is still the month's end); a weekday after or before
//   a holiday is the first such weekday after it or the last before it ("the monday after
//   thanksgiving");
// - a month and day a few weeks back is that past date (a payment already made), not one
//   almost a year ahead;
// - of several mentions, the last firm future one is the promise ("not Friday, Monday"); a
//   mention right next to a negation ("ahorita no tengo", "not today") only when it is the only
//   one; a holiday named as a greeting ("Happy Thanksgiving") and a part of the day only when
//   nothing firmer was said;
// - "right now" / "ahorita" is today only beside a word of paying ("ahorita le pago"); elsewhere
//   it describes the moment ("money is tight right now") and is never the promise.

export interface DateMention {
  /** Day number (see calendar.ts). */
  day: number;
  start: number;
  end: number;
  rule: string;
  text: string;
  /** Parts of the day only count when nothing firmer was said. */
  weak: boolean;
  past: boolean;
  /** A negation stands right before or after it ("not today", "ahorita no tengo"). */
  negated: boolean;
  /** Said as when the customer's money comes ("I get paid Thursday"), in a clause of its own. */
  income: boolean;
  /**
   * A today that tells why the payment waits ("le pago mañana, hoy ya cerraron el banco"), in a
   * clause with no word of paying while another clause pays on a later day.
   */
  aside?: boolean;
  /**
   * Names the moment, not a day to pay ("money is tight right now"): never the promise, but it
   * still takes the negation beside it ("not right now, maybe Friday").
   */
  idle: boolean;
}

function merge(): DateVocabulary {
  const [first, ...rest] = LEXICONS.map((lexicon) => lexicon.dates);
  if (first === undefined) {
    throw new Error("No lexicons loaded");
  }
  const merged: DateVocabulary = structuredClone(first);
  for (const vocabulary of rest) {
    for (const key of Object.keys(merged) as (keyof DateVocabulary)[]) {
      const target = merged[key];
      const source = vocabulary[key];
      if (Array.isArray(target) && Array.isArray(source)) {
        target.push(...source);
      } else {
        Object.assign(target, source);
      }
    }
  }
  return merged;
}

const vocabulary = merge();
// "Tuesday week", "Friday week": the coming such day and a week on (British and Irish English).
const WEEK_AFTER = z.array(z.string()).parse(symbols.weekAfterSuffixes);
for (const suffix of WEEK_AFTER) {
  vocabulary.weekdaySuffixes[suffix] = "weekAfter";
}

const WEEKDAYS = wordAlternation(Object.keys(vocabulary.weekdays));
const MONTHS = wordAlternation(Object.keys(vocabulary.months));
const ORDINAL_WORDS = wordAlternation(Object.keys(vocabulary.ordinals));
const SUFFIXES = wordAlternation(vocabulary.ordinalSuffixes);
const NUMBER_WORDS = wordAlternation(Object.keys(vocabulary.numbers));
const UNITS = wordAlternation(Object.keys(vocabulary.units));
const AMOUNTS = wordAlternation(vocabulary.amountWords);
const RELATION_BEFORE = new RegExp(
  `(?:^| )(${wordAlternation(Object.keys(vocabulary.relations))}) (?:the |el |la )?$`,
);

const HOLIDAYS = wordAlternation(Object.keys(vocabulary.holidays));
// "after"/"antes de" before a holiday, not "the day after" (a weekday and "the day after" is no
// one day).
const HOLIDAY_SIDES = Object.fromEntries(
  Object.entries(vocabulary.holidayRelations).filter(
    ([words, offset]) => offset !== 0 && !/(?:^| )(?:day|dia)(?: |$)/.test(words),
  ),
);
const RANGE_ENDS = new Set(vocabulary.rangeEndHolidays);
const NEGATIONS = new Set(LEXICONS.flatMap((lexicon) => lexicon.negations));
const UNABLE = new Set(vocabulary.unableWords);
/** How many words after a day a word of being unable still reaches ("hoy ando muy cansado"). */
const UNABLE_REACH = 3;
const PAY_WORDS = bounded(wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.payWords)), "");
const incomeWords = LEXICONS.flatMap((lexicon) => lexicon.incomeWords);
const INCOME_WORDS = incomeWords.length === 0 ? null : bounded(wordAlternation(incomeWords), "");
/** How many words either side of "right now" / "ahorita" a word of paying may stand. */
const PAYING_REACH = 3;
/** A word list of `symbols.json`, checked once at load. */
const list = (key: keyof typeof symbols): string[] => z.array(z.string()).parse(symbols[key]);
const words = (key: keyof typeof symbols): string => list(key).join("|");
// Weekday prefixes that name how long something lasts, not when it is done ("working doubles
// til thursday", "hasta el jueves trabajo doble").
const UNTIL_WORDS = new Set(list("untilWeekdayPrefixes"));
// What makes "week" after a weekday the subject of what follows, not the week-after suffix
// ("Friday, week has been rough").
const WEEK_AFTER_BLOCKED = new RegExp(`^ (?:${words("weekAfterBlockers")})(?![a-z0-9])`);
/** "Memorial Day weekend": the holiday's long weekend. */
const HOLIDAY_WEEKENDS = wordAlternation(list("holidayWeekends"));
// "el fin de semana de memorial day": the long weekend named before its holiday.
const HOLIDAY_WEEKENDS_BEFORE = wordAlternation(list("holidayWeekendsBefore"));
/** "end of", "a finales de" before a month's name. */
const MONTH_END_OF = wordAlternation(list("monthEndOf"));
// Names a holiday goes by only before "weekend" ("memorial weekend"; "the memorial" alone is not).
const HOLIDAY_WEEKEND_NAMES: Readonly<Record<string, string>> = z
  .record(z.string(), z.string())
  .parse(symbols.holidayWeekendNames);
const WEEKEND_HOLIDAYS = wordAlternation([
  ...Object.keys(vocabulary.holidays),
  ...Object.keys(HOLIDAY_WEEKEND_NAMES),
]);
/** "hoy es", "ya es": a weekday after them names today. */
const TODAY_NAMED = list("todayNamedPrefixes");
// "now" names the day paid only as the paying verb's own adverb ("paying it now", "I'll pay now");
// elsewhere it is the moment ("I will pay, I just don't have it now", "tight on money now").
const VERB_BOUND_PRESENTS = new Set(list("verbBoundPresents"));
const BOUND_PRESENT_VERB = new RegExp(
  `(?:^| )(?:${words("boundPresentVerbs")})(?: (?:${words("boundPresentObjects")})){0,2} $`,
);
/** Enough characters before "now" for its verb and two object words. */
const BOUND_PRESENT_LEAD_CHARS = 40;
// "went out Monday", "lo mandé el lunes": a payment told as sent right before a bare weekday
// names the past such day, not a promise ("check goes out Monday", "lo mando el lunes" promise).
// Kept to the few words before a weekday, after a word that makes the verb a future passive
// ("will be mailed Monday", "have it sent Friday", "me lo mande el lunes" asks); the word is
// whole, so "Jaime", "maybe" or "budget" before the verb do not count.
const SENT_BEFORE = new RegExp(
  `(?:^| )(?<!(?:^| )(?:${words("sentRightBefore")}) )(?:${words("sentBeforeWeekday")}) $`,
);
// "wasn't mailed Monday", "todavía no lo mandé el lunes": a sending denied is no payment told.
// Only a few words may stand between ("hasn't been mailed"), so "no, I mailed it Monday" is one.
const SENT_DENIED = new RegExp(
  `(?:^| )(?:${words("sentNegations")})(?: (?:${words("sentNegationGaps")})){0,2}$`,
);
// "I'll get it mailed Monday", "I will have the check mailed Monday": an auxiliary with its object
// makes the verb one the customer will see done, not one done.
const SENT_CAUSED = new RegExp(
  `(?:^| )(?:${words("sentAuxiliaries")}) (?:${words("sentObjects")})(?: |$)`,
);
/** How many words before the verb an auxiliary with its object still reaches. */
const SENT_CAUSE_REACH = 4;
// "te pago mañana porque hoy tengo la cuenta en rojo": a day right after a word of cause tells
// why the day promised before it is that one, and is no second promise.
const CAUSE_BEFORE = new RegExp(`(?:^| )(?:${words("causeWords")}) $`);
// "en la mañana lo pago, ahorita estoy acostando a los nenes": a present followed by what the
// customer is busy doing names the moment, even with a word of paying just before it; a busy
// gerund of paying ("ahorita estoy pagando") is no other business.
const BUSY_AFTER = new RegExp(
  `^ (?:${words("progressiveWords")}) (?!(?:${words("busyPayStems")})[a-z]*(?:${words("busyEndings")})(?![a-z]))[a-z]+(?:${words("busyEndings")})(?![a-z])`,
);
/** Enough characters before a day for its word of cause. */
const CAUSE_LEAD_CHARS = 12;
/** The rule name of a weekday read as the day a payment was sent. */
export const SENT_WEEKDAY = "sent-weekday";
/** Enough characters before a weekday for the verb, its object and a few words before them. */
const SENT_LEAD_CHARS = 80;
/** Rules that name a day of the calendar outright. */
const CALENDAR_DATES = new Set(["numeric-date", "month-day", "weekday-date", "day-of-month"]);
const SHIFTABLE = new Set(["numeric-date", "month-day", "weekday", "weekday-date", "day-of-month"]);
// A day-of-month prefix and an ordinal word read together only when one language has both: "the
// quince" in an English reply is a girl's fifteenth birthday party, not the 15th ("el quince" is).
const ORDINAL_LANGUAGES = LEXICONS.map(
  (lexicon) =>
    [
      new Set(lexicon.dates.dayOfMonthPrefixes),
      new Set(Object.keys(lexicon.dates.ordinals)),
    ] as const,
);

function sameLanguage(prefix: string, ordinal: string): boolean {
  return ORDINAL_LANGUAGES.some(
    ([prefixes, ordinals]) => prefixes.has(prefix) && ordinals.has(ordinal),
  );
}

interface Rule {
  name: string;
  pattern: RegExp;
  weak?: boolean;
  /** Names no day to pay ("every Friday", "open Saturdays"): never the promise. */
  idle?: boolean;
  /** Only a date with a word of paying within PAYING_REACH words. */
  besidePaying?: boolean;
  /** Replaces earlier mentions it contains ("2 weeks from today" holds "today"). */
  absorbs?: boolean;
  /**
   * The group of a trailing suffix that belongs to the day only in the day's clause of the raw
   * reply: across a clause break the match is read without it ("Friday, week has been rough").
   */
  clauseSuffix?: number;
  /** Whether what follows the suffix in its clause makes it no suffix ("Friday week has been"). */
  suffixBlocked?: (suffix: string, rest: string) => boolean;
  resolve: (
    match: RegExpExecArray,
    now: LocalMoment,
  ) => { day: number; past?: boolean; rule?: string; weak?: boolean } | null;
}

function phrasePattern(words: Record<string, number>): RegExp {
  return bounded(wordAlternation(Object.keys(words)));
}

function dayOfMonthValue(match: string | undefined, digits: string | undefined): number | null {
  if (digits !== undefined) {
    return Number(digits);
  }
  if (match === undefined) {
    return null;
  }
  return vocabulary.ordinals[match] ?? null;
}

// A month and day a few weeks back ("paid on November 10th", said on the 18th) is that past
// date, not one almost a year ahead.
const RECENT_PAST_DAYS = 60;

/** The next date on or after today with this month and day (exact when the year is given). */
function nextMonthDay(
  now: LocalMoment,
  month: number,
  date: number,
  year?: number,
): { day: number; past?: boolean } | null {
  if (year !== undefined) {
    const exact = validDay(year, month, date);
    return exact === null ? null : { day: exact };
  }
  const { year: thisYear } = fieldsOf(now.day);
  const candidate = validDay(thisYear, month, date);
  if (candidate !== null && candidate >= now.day) {
    return { day: candidate };
  }
  if (candidate !== null && now.day - candidate <= RECENT_PAST_DAYS) {
    return { day: candidate, past: true };
  }
  const nextYear = validDay(thisYear + 1, month, date);
  return nextYear === null ? null : { day: nextYear };
}

function nextDayOfMonth(now: LocalMoment, date: number): number | null {
  if (date < 1 || date > 31) {
    return null;
  }
  const { year, month } = fieldsOf(now.day);
  for (let offset = 0; offset < 3; offset += 1) {
    const candidate = validDay(
      year + Math.floor((month - 1 + offset) / 12),
      ((month - 1 + offset) % 12) + 1,
      date,
    );
    if (candidate !== null && candidate >= now.day) {
      return candidate;
    }
  }
  return null;
}

function fullYear(text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  return value < 100 ? 2000 + value : value;
}

/** Said on a weekend, "this week" means the one about to start. */
function fridayOfWeek(now: LocalMoment, weeks: number): number {
  const friday = mondayOf(now.day) + 7 * weeks + 4;
  return friday < now.day ? friday + 7 : friday;
}

/** The end of the half-month holding `day` (the 15th or the month's last day), `offset` later. */
function fortnightEnd(day: number, offset: number): number {
  let end = day;
  for (let step = 0; step <= offset; step += 1) {
    const from = step === 0 ? day : end + 1;
    const { year, month, day: date } = fieldsOf(from);
    end = date <= 15 ? dayNumber(year, month, 15) : endOfMonth(from, 0);
  }
  return end;
}

const RULES: Rule[] = [
  {
    // "after the 4th of July weekend", "después del fin de semana de Memorial Day", "after memorial
    // weekend": a holiday's long weekend, read before a month and day take the holiday's name
    // (after a weekday it is the weekday's: "the tuesday after memorial day weekend").
    name: "holiday",
    pattern: bounded(
      `(?<!(?<![a-z])(?:${WEEKDAYS}) )(?:(${wordAlternation(Object.keys(vocabulary.holidayRelations))}) )?(?:the |el )?(?:(?:${HOLIDAY_WEEKENDS_BEFORE}) (?:de |del )(?:la |el )?(${WEEKEND_HOLIDAYS})|(${WEEKEND_HOLIDAYS}) (?:${HOLIDAY_WEEKENDS}))`,
    ),
    resolve: (match, now) => {
      const name = match[2] ?? match[3] ?? "";
      const id = vocabulary.holidays[name] ?? HOLIDAY_WEEKEND_NAMES[name];
      if (id === undefined || !isHoliday(id)) {
        return null;
      }
      const said = match[1] === undefined ? 0 : (vocabulary.holidayRelations[match[1]] ?? 0);
      const relation = said < 0 && RANGE_ENDS.has(id) ? 0 : said;
      const day = besideHolidayWeekend(id, relation, now.day, fieldsOf(now.day).year);
      if (day === null) {
        return null;
      }
      // Without "after"/"before" it is as often a greeting ("have a great labor day weekend").
      return match[1] === undefined ? { day, rule: "holiday-name", weak: true } : { day };
    },
  },
  {
    // "end of march", "a finales de abril": the named month's last day, this year or the next.
    name: "month-end",
    pattern: bounded(`(?:${MONTH_END_OF}) (${MONTHS})`),
    resolve: (match, now) => {
      const month = vocabulary.months[match[1] ?? ""];
      if (month === undefined) {
        return null;
      }
      const today = fieldsOf(now.day);
      const year = month < today.month ? today.year + 1 : today.year;
      return { day: dayNumber(year, month, daysInMonth(year, month)) };
    },
  },
  {
    name: "numeric-date",
    pattern: /(?<![\d/])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?(?![\d/])/g,
    resolve: (match, now) => {
      const a = Number(match[1]);
      const b = Number(match[2]);
      const year = fullYear(match[3]);
      const readings = [nextMonthDay(now, a, b, year), nextMonthDay(now, b, a, year)].filter(
        (reading): reading is { day: number; past?: boolean } => reading !== null,
      );
      const future = readings.filter((reading) => reading.past !== true && reading.day >= now.day);
      const chosen =
        future.length > 0
          ? future.reduce((soonest, reading) => (reading.day < soonest.day ? reading : soonest))
          : readings[0];
      return chosen ?? null;
    },
  },
  {
    name: "month-day",
    pattern: bounded(
      `(${MONTHS}) (?:the )?(?:(\\d{1,2})(?:${SUFFIXES})?|(${ORDINAL_WORDS}))(?: (?:of |de |del )?(\\d{4}))?` +
        `|(?:the |el |el dia )?(?:(\\d{1,2})(?:${SUFFIXES})?|(${ORDINAL_WORDS})) (?:of |de )?(${MONTHS})(?: (?:de |del )?(\\d{4}))?`,
    ),
    resolve: (match, now) => {
      const monthWord = match[1] ?? match[7];
      const month = monthWord === undefined ? undefined : vocabulary.months[monthWord];
      const date = dayOfMonthValue(match[3] ?? match[6], match[2] ?? match[5]);
      if (month === undefined || date === null) {
        return null;
      }
      return nextMonthDay(now, month, date, fullYear(match[4] ?? match[8]));
    },
  },
  {
    // "the monday after thanksgiving", "el lunes después de navidad": the first such weekday
    // after the holiday (the last one before it, with "before"/"antes de").
    // "the tuesday after memorial day weekend" is the same day: the weekend is read with it.
    name: "weekday-holiday",
    pattern: bounded(
      `(?:the |el )?(${WEEKDAYS}) (${wordAlternation(Object.keys(HOLIDAY_SIDES))}) (?:the |la |el )?(${HOLIDAYS})(?: (?:${HOLIDAY_WEEKENDS}))?`,
    ),
    resolve: (match, now) => {
      const weekday = vocabulary.weekdays[match[1] ?? ""];
      const side = HOLIDAY_SIDES[match[2] ?? ""];
      const id = vocabulary.holidays[match[3] ?? ""];
      if (weekday === undefined || side === undefined || id === undefined) {
        return null;
      }
      const day = weekdayBesideHoliday(id, weekday, side > 0, now.day, fieldsOf(now.day).year);
      return day === null ? null : { day };
    },
  },
  {
    // "after Thanksgiving", "para navidad" (a long weekend, "after Memorial Day weekend", is the
    // first rule's).
    name: "holiday",
    pattern: bounded(
      `(?:(${wordAlternation(Object.keys(vocabulary.holidayRelations))}) )?(?:the )?(${wordAlternation(Object.keys(vocabulary.holidays))})`,
    ),
    resolve: (match, now) => {
      const id = match[2] === undefined ? undefined : vocabulary.holidays[match[2]];
      if (id === undefined || !isHoliday(id)) {
        return null;
      }
      const said = match[1] === undefined ? 0 : (vocabulary.holidayRelations[match[1]] ?? 0);
      const relation = said < 0 && RANGE_ENDS.has(id) ? 0 : said;
      const day = nextHoliday(id, relation, now.day, fieldsOf(now.day).year);
      // A holiday named without "after"/"para" is as often a greeting as a date.
      if (day === null) {
        return null;
      }
      return match[1] === undefined ? { day, rule: "holiday-name", weak: true } : { day };
    },
  },
  {
    name: "part-of-day",
    weak: true,
    pattern: phrasePattern(vocabulary.partsOfDay),
    resolve: (match, now) => ({
      day: now.hour < (vocabulary.partsOfDay[match[0]] ?? 24) ? now.day : now.day + 1,
    }),
  },
  {
    name: "present",
    weak: true,
    besidePaying: true,
    pattern: phrasePattern(vocabulary.presentDays),
    resolve: (match, now) =>
      VERB_BOUND_PRESENTS.has(match[0]) &&
      !BOUND_PRESENT_VERB.test(
        (match.input ?? "").slice(Math.max(0, match.index - BOUND_PRESENT_LEAD_CHARS), match.index),
      )
        ? null
        : { day: now.day },
  },
  {
    // "dsps de las 5 le pago", "a las 3 le deposito": an hour of the day alone is today, beside a word
    // of paying, and gives way to any day named ("el lunes después de las 5").
    name: "hour-of-day",
    weak: true,
    besidePaying: true,
    pattern: bounded(
      "(?:despues de|antes de|pasadas|a eso de|como a|a) las \\d{1,2}(?::\\d{2})?(?![0-9])",
    ),
    resolve: (_match, now) => ({ day: now.day }),
  },
  {
    // "hoy es jueves le pago", "ya es sábado": the weekday named is today's (right or not), so
    // beside a word of paying it is today, and it gives way to any other day named ("como ya es
    // jueves mejor le pago el lunes").
    name: "present",
    weak: true,
    besidePaying: true,
    pattern: bounded(`(?:${wordAlternation(TODAY_NAMED)}) (?:${WEEKDAYS})`),
    resolve: (_match, now) => ({ day: now.day }),
  },
  {
    // "open Saturdays", "every Friday", "los viernes": a recurring day. It still takes the place
    // of the weekday it holds, so the weekday rules below do not read it as the next such day.
    name: "habit",
    idle: true,
    pattern: bounded(
      [
        `(?:${wordAlternation(vocabulary.habitPrefixes)}) (?:${WEEKDAYS})`,
        `(?:${wordAlternation(vocabulary.pluralHabitPrefixes)}) (?:${wordAlternation(vocabulary.pluralWeekdays)})`,
      ].join("|"),
    ),
    resolve: (_match, now) => ({ day: now.day }),
  },
  {
    // "hoy domingo", "mañana lunes": a weekday that is the relative day only names it, so the
    // two are one mention (and a negation beside either refuses that day: "hoy domingo no
    // puedo"). When they disagree ("tomorrow, friday at the latest") each stands on its own.
    name: "relative-day",
    pattern: bounded(
      `(${wordAlternation(Object.keys(vocabulary.relativeDays))}) (${WEEKDAYS})(?! (?:${UNITS}|${MONTHS}|\\d))`,
    ),
    resolve: (match, now) => {
      const day = now.day + (vocabulary.relativeDays[match[1] ?? ""] ?? 0);
      const weekday = vocabulary.weekdays[match[2] ?? ""];
      return weekday !== undefined && nextWeekdayOnOrAfter(day, weekday) === day ? { day } : null;
    },
  },
  {
    name: "relative-day",
    pattern: phrasePattern(vocabulary.relativeDays),
    resolve: (match, now) => ({ day: now.day + (vocabulary.relativeDays[match[0]] ?? 0) }),
  },
  {
    name: "fortnight-end",
    pattern: phrasePattern(vocabulary.fortnightEnds),
    resolve: (match, now) => ({
      day: fortnightEnd(now.day, vocabulary.fortnightEnds[match[0]] ?? 0),
    }),
  },
  {
    name: "month-end",
    pattern: phrasePattern(vocabulary.monthEnds),
    resolve: (match, now) => ({ day: endOfMonth(now.day, vocabulary.monthEnds[match[0]] ?? 0) }),
  },
  {
    name: "month-start",
    pattern: phrasePattern(vocabulary.monthStarts),
    resolve: (match, now) => ({
      day: startOfMonth(now.day, vocabulary.monthStarts[match[0]] ?? 1),
    }),
  },
  {
    // "el viernes 27", "Friday the 27th": the day number is the firmer half.
    name: "weekday-date",
    pattern: bounded(
      `(?:(?:${wordAlternation(Object.keys(vocabulary.weekdayPrefixes))}) )?(?:${WEEKDAYS}),? (?:the |el )?(\\d{1,2})(?:${SUFFIXES})?(?! (?:${AMOUNTS}|${UNITS}|${MONTHS}|de|of))`,
    ),
    resolve: (match, now) => {
      const day = nextDayOfMonth(now, Number(match[1]));
      return day === null ? null : { day };
    },
  },
  {
    // "next Friday", "el viernes que viene", "a week from Friday", "Friday week" (the coming such
    // day and a week on). A suffix counts only in the weekday's clause: "I'll pay Friday, last
    // week was rough" pays this Friday.
    name: "weekday",
    clauseSuffix: 3,
    pattern: bounded(
      `(?:(${wordAlternation(Object.keys(vocabulary.weekdayPrefixes))}) )?(${WEEKDAYS})(?: (${wordAlternation(Object.keys(vocabulary.weekdaySuffixes))}))?`,
    ),
    // "I'll pay thursday last week was crazy": a week gone by that goes on as its own subject.
    suffixBlocked: (suffix, rest) =>
      (WEEK_AFTER.includes(suffix) || vocabulary.weekdaySuffixes[suffix] === "past") &&
      WEEK_AFTER_BLOCKED.test(rest),
    resolve: (match, now) => {
      const weekday = match[2] === undefined ? undefined : vocabulary.weekdays[match[2]];
      if (weekday === undefined) {
        return null;
      }
      const prefix = match[1] === undefined ? "plain" : vocabulary.weekdayPrefixes[match[1]];
      const suffix = match[3] === undefined ? undefined : vocabulary.weekdaySuffixes[match[3]];
      const kind = suffix ?? prefix ?? "plain";
      const nextWeek = mondayOf(now.day) + 7 + ((weekday + 6) % 7);
      switch (kind) {
        case "past":
          return { day: now.day - 1, past: true };
        case "next":
          return { day: prefix === "past" ? now.day - 1 : nextWeek, past: prefix === "past" };
        case "afterNext":
          return { day: nextWeek + 7 };
        case "weekAfter":
          return { day: nextWeekdayOnOrAfter(now.day + 1, weekday) + 7 };
        case "this":
          return { day: nextWeekdayOnOrAfter(now.day, weekday) };
        default:
          // "working doubles til thursday": a day something lasts until gives way to any other
          // day named ("I can pay this weekend"); alone it is still the day ("give me till Friday").
          return {
            day: nextWeekdayOnOrAfter(now.day + 1, weekday),
            weak: match[1] !== undefined && UNTIL_WORDS.has(match[1]),
          };
      }
    },
  },
  {
    name: "weekend",
    pattern: phrasePattern(vocabulary.weekends),
    resolve: (match, now) => ({
      day: Math.max(now.day, mondayOf(now.day) + 7 * (vocabulary.weekends[match[0]] ?? 0) + 5),
    }),
  },
  {
    name: "week",
    pattern: phrasePattern(vocabulary.weeks),
    resolve: (match, now) => ({ day: fridayOfWeek(now, vocabulary.weeks[match[0]] ?? 0) }),
  },
  {
    name: "in-n-units",
    absorbs: true,
    pattern: bounded(
      `(?:${wordAlternation(vocabulary.inWords)}) (\\d{1,3}|${NUMBER_WORDS}) (${UNITS})|(\\d{1,3}|${NUMBER_WORDS}) (${UNITS}) (?:from now|from today|mas|de hoy)`,
    ),
    resolve: (match, now) => {
      const amountText = match[1] ?? match[3];
      const unitText = match[2] ?? match[4];
      if (amountText === undefined || unitText === undefined) {
        return null;
      }
      const amount = /^\d+$/.test(amountText)
        ? Number(amountText)
        : (vocabulary.numbers[amountText] ?? null);
      const unit = vocabulary.units[unitText];
      if (amount === null || unit === undefined || amount > 366) {
        return null;
      }
      if (unit === "d") {
        return { day: now.day + amount };
      }
      if (unit === "w") {
        return { day: now.day + 7 * amount };
      }
      return { day: addMonths(now.day, amount) };
    },
  },
  {
    name: "day-of-month",
    pattern: bounded(
      `(?:(?:${wordAlternation(vocabulary.dayOfMonthPrefixes)}) (?:(\\d{1,2})(?:${SUFFIXES})?|(${ORDINAL_WORDS}))|(\\d{1,2})(?:st|nd|rd|th))(?! (?:${AMOUNTS}|${UNITS}))`,
    ),
    resolve: (match, now) => {
      const ordinal = match[2];
      if (
        ordinal !== undefined &&
        !sameLanguage(match[0].slice(0, match[0].length - ordinal.length - 1), ordinal)
      ) {
        return null;
      }
      const value = dayOfMonthValue(ordinal, match[1] ?? match[3]);
      if (value === null) {
        return null;
      }
      const day = nextDayOfMonth(now, value);
      return day === null ? null : { day };
    },
  },
];

/** The match read without a trailing group, cut to `length` characters. */
function withoutGroup(match: RegExpExecArray, group: number, length: number): RegExpExecArray {
  const parts: (string | undefined)[] = [...match];
  parts[0] = match[0].slice(0, length);
  parts[group] = undefined;
  return Object.assign(parts, {
    index: match.index,
    input: match.input,
    groups: match.groups,
  }) as RegExpExecArray;
}

/** Whether a plain weekday ("Monday", "el lunes", "on Monday") follows a payment told as sent. */
function sentBefore(rule: Rule, match: RegExpExecArray, text: string): boolean {
  if (rule.name !== "weekday" || match[3] !== undefined) {
    return false;
  }
  const prefix = match[1];
  if (prefix !== undefined && vocabulary.weekdayPrefixes[prefix] !== "plain") {
    return false;
  }
  const from = Math.max(0, match.index - SENT_LEAD_CHARS);
  const lead = text.slice(from, match.index);
  const verb = SENT_BEFORE.exec(lead);
  if (verb === null) {
    return false;
  }
  const before = lead.slice(0, verb.index).split(" ");
  if (from > 0) {
    before.shift(); // possibly cut mid-word
  }
  return (
    !SENT_DENIED.test(before.join(" ")) &&
    !SENT_CAUSED.test(before.slice(-SENT_CAUSE_REACH).join(" "))
  );
}

/** The same weekday a week earlier: the one gone by (today, said on that weekday). */
function pastWeekday(resolved: ReturnType<Rule["resolve"]>): ReturnType<Rule["resolve"]> {
  return resolved === null ? null : { day: resolved.day - 7, past: true, rule: SENT_WEEKDAY };
}

/** Enough characters for a few words either side, so long replies are not split whole. */
const AROUND_CHARS = 80;

/** The words either side of text[start, end), at most `reach`, inside [low, high). */
function wordsAround(
  text: string,
  start: number,
  end: number,
  reach: number,
  low = 0,
  high = text.length,
): [string[], string[]] {
  const from = Math.max(low, start - AROUND_CHARS);
  const before = text.slice(from, start).trim().split(" ");
  if (from > low) {
    before.shift(); // possibly cut mid-word
  }
  const to = Math.min(high, end + AROUND_CHARS);
  const after = text.slice(end, to).trim().split(" ");
  if (to < high) {
    after.pop();
  }
  return [
    before.filter((word) => word.length > 0).slice(-reach),
    after.filter((word) => word.length > 0).slice(0, reach),
  ];
}

/** Whether `words` stand within reach of text[start, end), in the same clause of the reply. */
function inClauseBeside(
  words: RegExp,
  text: string,
  start: number,
  end: number,
  clauses: number[],
): boolean {
  const low = clauses.findLast((clause) => clause <= start) ?? 0;
  const high = clauses.find((clause) => clause >= end) ?? text.length;
  const [before, after] = wordsAround(text, start, end, PAYING_REACH, low, high);
  return words.test(before.join(" ")) || words.test(after.join(" "));
}

/**
 * A negation right after the mention, or up to two words before it, so the verb between counts
 * ("can't do today", "no puedo hoy", "ahorita no tengo"); a word of being unable up to three
 * words after it too ("too tired tonight", "hoy ando muy cansado").
 */
function negatedAt(text: string, start: number, end: number, low = 0, high = text.length): boolean {
  const [before, after] = wordsAround(text, start, end, UNABLE_REACH, low, high);
  // "hoy ya no me dio tiempo": an adverb of time between the day and its negation still refuses it.
  const near = [...before.slice(-2), ...after.slice(0, after[0] === "ya" ? 2 : 1)];
  return (
    near.some((word) => NEGATIONS.has(word)) || [...near, ...after].some((word) => UNABLE.has(word))
  );
}

/** negatedAt kept to the mention's clause ("Friday. Can't do today" negates only today). */
function negatedInClause(
  text: string,
  start: number,
  end: number,
  clauses: () => number[],
): boolean {
  if (!negatedAt(text, start, end)) {
    return false;
  }
  const starts = clauses();
  const low = starts.findLast((clause) => clause <= start) ?? 0;
  const high = starts.find((clause) => clause >= end) ?? text.length;
  return negatedAt(text, start, end, low, high);
}

/**
 * Every date mention in the normalised text, earlier rules winning overlaps; `raw`, when given,
 * tells where its clauses break.
 */
export function findDates(text: string, now: LocalMoment, raw?: string): DateMention[] {
  const mentions: DateMention[] = [];
  const busyPresents: DateMention[] = [];
  let clauses: number[] | undefined;
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    for (let found = rule.pattern.exec(text); found !== null; found = rule.pattern.exec(text)) {
      const start = found.index;
      let match = found;
      const suffix = rule.clauseSuffix === undefined ? undefined : found[rule.clauseSuffix];
      if (rule.clauseSuffix !== undefined && suffix !== undefined) {
        clauses ??= raw === undefined ? [0] : clauseStarts(raw, text);
        const whole = start + found[0].length;
        const cut = whole - suffix.length - 1;
        const next = clauses.find((clause) => clause >= whole) ?? text.length;
        if (
          clauses.some((clause) => clause > cut && clause < whole) ||
          rule.suffixBlocked?.(suffix, text.slice(whole, next)) === true
        ) {
          match = withoutGroup(found, rule.clauseSuffix, cut - start);
        }
      }
      const end = start + match[0].length;
      const overlapping = mentions.filter((taken) => start < taken.end && end > taken.start);
      // A firmer phrase around a part of the day ("mañana en la tarde") replaces it; any other
      // overlap keeps the earlier rule's reading.
      const supersedes =
        rule.weak !== true &&
        overlapping.every(
          (taken) =>
            (taken.weak || rule.absorbs === true) && taken.start >= start && taken.end <= end,
        );
      if (overlapping.length > 0 && !supersedes) {
        continue;
      }
      let idle = rule.idle === true;
      let busy = false;
      if (rule.besidePaying === true) {
        clauses ??= raw === undefined ? [0] : clauseStarts(raw, text);
        const high = clauses.find((clause) => clause >= end) ?? text.length;
        idle = !inClauseBeside(PAY_WORDS, text, start, end, clauses);
        busy = !idle && BUSY_AFTER.test(text.slice(end, high));
      }
      const resolved = sentBefore(rule, match, text)
        ? pastWeekday(rule.resolve(match, now))
        : rule.resolve(match, now);
      if (resolved !== null) {
        // "after the 15th" is the 16th; "before the end of the month" is still the month's end.
        // The relation may end in the mention's first word ("después del 15": "del 15").
        const lead = text.slice(Math.max(0, start - 24), start);
        const relation = SHIFTABLE.has(rule.name)
          ? (RELATION_BEFORE.exec(lead)?.[1] ??
            RELATION_BEFORE.exec(`${lead}${match[0].split(" ")[0] ?? ""} `)?.[1])
          : undefined;
        // "after the 1st" is the 1st itself: the day the month's money comes, not the day after;
        // "before the 1st" is still the day before.
        const step = relation === undefined ? 0 : (vocabulary.relations[relation] ?? 0);
        const shift =
          step > 0 && rule.name === "day-of-month" && fieldsOf(resolved.day).day === 1 ? 0 : step;
        for (const taken of overlapping) {
          mentions.splice(mentions.indexOf(taken), 1);
        }
        const mention: DateMention = {
          day: resolved.day + shift,
          start,
          end,
          rule: resolved.rule ?? rule.name,
          text: match[0],
          weak: rule.weak === true || resolved.weak === true,
          past: resolved.past === true || resolved.day < now.day,
          negated: negatedInClause(text, start, end, () => {
            clauses ??= raw === undefined ? [0] : clauseStarts(raw, text);
            return clauses;
          }),
          income: false,
          idle,
        };
        mentions.push(mention);
        if (busy) {
          busyPresents.push(mention);
        }
      }
    }
  }
  // "en la mañana lo pago ahorita estoy acostando a los nenes": the word of paying belongs to the
  // other day in the clause, so the busy present names the moment; alone in its clause with a
  // word of paying ("I'll pay right now im trying") the present is still the day paid.
  for (const present of busyPresents) {
    const starts = clauses ?? [0];
    const low = starts.findLast((clause) => clause <= present.start) ?? 0;
    const high = starts.find((clause) => clause >= present.end) ?? text.length;
    present.idle = mentions.some(
      (other) => other !== present && other.start >= low && other.end <= high,
    );
  }
  // Only worth reading clauses when there is a choice between dates.
  if (mentions.length > 1 && raw !== undefined && INCOME_WORDS !== null) {
    clauses ??= clauseStarts(raw, text);
    // A word of income that is itself a date ("esta quincena", "en la quincena") names that
    // day, not the day the money comes: "ya no me alcanzó esta quincena pero el 15 le pago".
    let blanked = text;
    for (const mention of mentions) {
      blanked = `${blanked.slice(0, mention.start)}${mention.text.replace(/[^ ]/g, "~")}${blanked.slice(mention.end)}`;
    }
    for (const mention of mentions) {
      mention.income = inClauseBeside(INCOME_WORDS, blanked, mention.start, mention.end, clauses);
    }
  }
  if (mentions.length > 1 && raw !== undefined) {
    clauses ??= clauseStarts(raw, text);
    markAsides(text, now, mentions, clauses);
  }
  if (mentions.length > 1) {
    markHolidaysPassed(mentions);
  }
  return mentions.sort((a, b) => a.start - b.start);
}

/** Whether a holiday mention is said with "after" ("after the holidays", "pasando las fiestas"). */
function afterHoliday(mention: DateMention): boolean {
  return (
    mention.rule === "holiday" &&
    Object.entries(HOLIDAY_SIDES).some(
      ([relation, side]) => side > 0 && mention.text.startsWith(`${relation} `),
    )
  );
}

/**
 * "el 3 de enero le pago, después de las fiestas": a holiday with "after" tells why a calendar
 * date named on or after it is that one, and gives way to it; a date before it is a choice, and
 * the later one wins as elsewhere.
 */
function markHolidaysPassed(mentions: readonly DateMention[]): void {
  for (const holiday of mentions) {
    if (
      afterHoliday(holiday) &&
      mentions.some(
        (other) =>
          CALENDAR_DATES.has(other.rule) &&
          other.day >= holiday.day &&
          !other.past &&
          !other.idle &&
          !other.negated,
      )
    ) {
      holiday.aside = true;
    }
  }
}

/**
 * "le pago mañana, hoy ya cerraron el banco", "I'll pay tomorrow, today I'm broke": a today that
 * goes on to tell what happens today, with no word of paying beside it, explains why the day the
 * customer pays on, named in another clause, is a later one. A today that ends its clause
 * ("mañana no, mejor hoy") is still an answer, and one beside paying ("hoy le deposito la
 * mitad") is still a promise.
 */
function markAsides(
  text: string,
  now: LocalMoment,
  mentions: readonly DateMention[],
  clauses: number[],
): void {
  // The days paid on, today included: a later day may be the reason for one of them ("te pago
  // hoy porque mañana salgo de viaje").
  const paidOn = mentions.filter(
    (mention) =>
      mention.day >= now.day &&
      !mention.past &&
      !mention.idle &&
      !mention.negated &&
      inClauseBeside(PAY_WORDS, text, mention.start, mention.end, clauses),
  );
  for (const mention of mentions) {
    if (
      !CAUSE_BEFORE.test(text.slice(Math.max(0, mention.start - CAUSE_LEAD_CHARS), mention.start))
    ) {
      continue;
    }
    const high = clauses.find((clause) => clause >= mention.end) ?? text.length;
    const [, after] = wordsAround(text, mention.start, mention.end, PAYING_REACH, 0, high);
    if (
      !PAY_WORDS.test(after.join(" ")) &&
      paidOn.some((other) => other !== mention && other.end <= mention.start)
    ) {
      mention.aside = true;
    }
  }
  // "I'll pay monday, next week is crazy", "le pago el viernes. la próxima semana salgo de viaje":
  // a week that opens a later clause and goes on about itself, with no word of paying, says why
  // the day paid on comes before it ("friday? no, next week" still moves the day).
  for (const mention of mentions) {
    if (mention.rule !== "week" || mention.negated || mention.past) {
      continue;
    }
    const low = clauses.findLast((clause) => clause <= mention.start) ?? 0;
    const high = clauses.find((clause) => clause >= mention.end) ?? text.length;
    if (
      low > 0 &&
      text.slice(low, mention.start).trim().length === 0 &&
      text.slice(mention.end, high).trim().length > 0 &&
      !inClauseBeside(PAY_WORDS, text, mention.start, mention.end, clauses) &&
      paidOn.some((other) => other.end <= low && other.day < mention.day)
    ) {
      mention.aside = true;
    }
  }
  const paying = paidOn.filter((mention) => mention.day > now.day);
  if (paying.length === 0) {
    return;
  }
  for (const mention of mentions) {
    if (mention.rule !== "relative-day" || mention.day !== now.day || mention.negated) {
      continue;
    }
    const low = clauses.findLast((clause) => clause <= mention.start) ?? 0;
    const high = clauses.find((clause) => clause >= mention.end) ?? text.length;
    if (
      text.slice(mention.end, high).trim().length > 0 &&
      !inClauseBeside(PAY_WORDS, text, mention.start, mention.end, clauses) &&
      paying.some((other) => other.start < low || other.start >= high)
    ) {
      mention.aside = true;
    }
  }
}

/**
 * The date the customer commits to: the last firm future mention, else the last weak one; a
 * negated mention ("not today") only when no other future one was said (a negated present,
 * "ahorita no tengo", never), and the day the
 * customer is paid ("I get paid Thursday") only when no other day is.
 */
export function pickPromiseDate(mentions: readonly DateMention[]): DateMention | null {
  // "ahorita no tengo", "right now I can't": the present refused names the moment, never a day.
  const anyFuture = mentions.filter(
    (mention) => !mention.past && !mention.idle && !(mention.rule === "present" && mention.negated),
  );
  const affirmed = anyFuture.filter((mention) => !mention.negated);
  const promised = affirmed.filter((mention) => !mention.income && mention.aside !== true);
  const future = promised.length > 0 ? promised : affirmed.length > 0 ? affirmed : anyFuture;
  const firm = future.filter((mention) => !mention.weak);
  return firm.at(-1) ?? future.at(-1) ?? null;
}

// Words of a time gone by that the date rules do not resolve ("ayer", "anoche", "last week",
// "hace 3 días"); a weekday said as past ("el viernes pasado") is a past date mention already.
const PAST_TIME = bounded(words("pastTimes"), "");

/** Whether the reply tells of a time gone by: a past date mention, or a word of one. */
export function toldPast(mentions: readonly DateMention[], normalized: string): boolean {
  return mentions.some((mention) => mention.past && !mention.idle) || PAST_TIME.test(normalized);
}

/**
 * The day promised, when it is firm (not hedged, not refused) and nothing in the reply tells of a
 * time gone by; otherwise null. It may be today: a caller that needs a day ahead checks.
 */
export function firmPromiseWithoutPast(
  mentions: readonly DateMention[],
  normalized: string,
): DateMention | null {
  const promised = pickPromiseDate(mentions);
  return promised !== null && !promised.weak && !promised.negated && !toldPast(mentions, normalized)
    ? promised
    : null;
}

/** Whether the text could hold a date this module does not know: digits or a month name. */
export const MAYBE_DATE = bounded(`\\d+|${MONTHS}`, "");
