import { TZDate } from "@date-fns/tz";

// Calendar arithmetic in a customer's time zone. Pure: every instant is passed in.

/** A calendar date as `YYYY-MM-DD`. */
export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar date an instant falls on in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const zoned = new TZDate(instant.getTime(), timeZone);
  return formatLocalDate(zoned.getFullYear(), zoned.getMonth() + 1, zoned.getDate());
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  // UTC noon avoids any DST edge; only the calendar fields are read back.
  const shifted = new Date(Date.UTC(year, month - 1, day + days, 12));
  return formatLocalDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = parseLocalDate(from);
  const b = parseLocalDate(to);
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000,
  );
}

/** The instant at which the wall clock in `timeZone` shows `date` `hour:minute`. */
export function instantAtLocalTime(
  date: LocalDate,
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  const { year, month, day } = parseLocalDate(date);
  return new Date(new TZDate(year, month - 1, day, hour, minute, 0, timeZone).getTime());
}

export function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const match = LOCAL_DATE.exec(date);
  if (!match) {
    throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  }
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function formatLocalDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
