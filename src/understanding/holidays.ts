import { dayNumber, daysInMonth, nextWeekdayOnOrAfter, weekdayOf } from "./calendar.js";

// US holidays people pay around, computed from the year (no table to go stale).

type HolidayRule = (year: number) => number;

function nthWeekday(year: number, month: number, weekday: number, nth: number): number {
  return nextWeekdayOnOrAfter(dayNumber(year, month, 1), weekday) + (nth - 1) * 7;
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const last = dayNumber(year, month, daysInMonth(year, month));
  return last - ((last - nextWeekdayOnOrAfter(last - 6, weekday)) % 7);
}

/** Western Easter Sunday (anonymous Gregorian computus). */
function easter(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}

const RULES: Record<string, HolidayRule> = {
  new_year: (year) => dayNumber(year, 1, 1),
  three_kings: (year) => dayNumber(year, 1, 6),
  mlk_day: (year) => nthWeekday(year, 1, 1, 3),
  valentines: (year) => dayNumber(year, 2, 14),
  presidents_day: (year) => nthWeekday(year, 2, 1, 3),
  easter,
  cinco_de_mayo: (year) => dayNumber(year, 5, 5),
  mothers_day: (year) => nthWeekday(year, 5, 0, 2),
  memorial_day: (year) => lastWeekday(year, 5, 1),
  juneteenth: (year) => dayNumber(year, 6, 19),
  independence_day: (year) => dayNumber(year, 7, 4),
  labor_day: (year) => nthWeekday(year, 9, 1, 1),
  halloween: (year) => dayNumber(year, 10, 31),
  thanksgiving: (year) => nthWeekday(year, 11, 4, 4),
  black_friday: (year) => nthWeekday(year, 11, 4, 4) + 1,
  cyber_monday: (year) => nthWeekday(year, 11, 4, 4) + 4,
  christmas_eve: (year) => dayNumber(year, 12, 24),
  christmas: (year) => dayNumber(year, 12, 25),
  new_years_eve: (year) => dayNumber(year, 12, 31),
};

export function isHoliday(id: string): boolean {
  return id in RULES;
}

/** The first day on or after `today` that is `offset` days from an occurrence of the holiday. */
export function nextHoliday(
  id: string,
  offset: number,
  today: number,
  year: number,
): number | null {
  const rule = RULES[id];
  if (rule === undefined) {
    return null;
  }
  const thisYear = rule(year) + offset;
  return thisYear >= today ? thisYear : rule(year + 1) + offset;
}

/**
 * The first `weekday` after the holiday (`after` true) or the last one before it, for the
 * holiday's occurrence that puts that day on or after `today`: "the monday after thanksgiving",
 * "el viernes antes de navidad".
 */
export function weekdayBesideHoliday(
  id: string,
  weekday: number,
  after: boolean,
  today: number,
  year: number,
): number | null {
  return firstOnOrAfter(id, today, year, (holiday) =>
    after
      ? nextWeekdayOnOrAfter(holiday + 1, weekday)
      : holiday - 1 - ((weekdayOf(holiday - 1) - weekday + 7) % 7),
  );
}

// The federal days moved to the Friday or Monday when they fall on a weekend; the others
// ("after Easter weekend", "after Halloween weekend" on a Sunday) keep to their own weekend.
const OBSERVED_ON_A_WEEKDAY: ReadonlySet<string> = new Set([
  "new_year",
  "juneteenth",
  "independence_day",
  "christmas",
]);

const SATURDAY = 6;
const SUNDAY = 0;
const MONDAY = 1;
const TUESDAY = 2;

/**
 * The days off a holiday makes with its weekend: Saturday to a Monday holiday (Memorial Day,
 * Labor Day), a Thursday or Friday holiday to Sunday (Thanksgiving's four days), a federal weekend
 * holiday with the weekday it is observed on, and any other weekend holiday its own weekend.
 */
function weekendSpan(holiday: number, observed: boolean): { first: number; last: number } {
  const weekday = weekdayOf(holiday);
  if ((weekday === SATURDAY || weekday === SUNDAY) && !observed) {
    return {
      first: holiday - (weekday === SUNDAY ? 1 : 0),
      last: holiday + (weekday === SATURDAY ? 1 : 0),
    };
  }
  if (weekday === SATURDAY || weekday === SUNDAY) {
    return { first: holiday - 1, last: holiday + 1 };
  }
  if (weekday === MONDAY || weekday === TUESDAY) {
    return { first: holiday - ((weekday - SATURDAY + 7) % 7), last: holiday };
  }
  return { first: holiday, last: nextWeekdayOnOrAfter(holiday, SUNDAY) };
}

/**
 * A day beside the holiday's long weekend, for its first occurrence that puts the day on or after
 * `today`: the day after it (`side` > 0: "after Memorial Day weekend" is the Tuesday), the day
 * before it (`side` < 0), or its Saturday ("Labor Day weekend").
 */
export function besideHolidayWeekend(
  id: string,
  side: number,
  today: number,
  year: number,
): number | null {
  return firstOnOrAfter(id, today, year, (holiday) => {
    const { first, last } = weekendSpan(holiday, OBSERVED_ON_A_WEEKDAY.has(id));
    return side > 0 ? last + side : side < 0 ? first + side : nextWeekdayOnOrAfter(first, SATURDAY);
  });
}

/**
 * The day `dayOf` reads off the holiday, for its first occurrence (last year's, this year's or
 * next year's) that puts that day on or after `today`; null for an unknown holiday.
 */
function firstOnOrAfter(
  id: string,
  today: number,
  year: number,
  dayOf: (holiday: number) => number,
): number | null {
  const rule = RULES[id];
  if (rule === undefined) {
    return null;
  }
  for (const candidateYear of [year - 1, year, year + 1]) {
    const day = dayOf(rule(candidateYear));
    if (day >= today) {
      return day;
    }
  }
  return null;
}
