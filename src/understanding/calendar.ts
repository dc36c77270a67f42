import type { CalendarDate } from "./types.js";

// Dates here are whole days counted from 1970-01-01 (a "day number"): plain integers keep the
// arithmetic free of DST and of the host's time zone. Only the arrival instant is ever converted,
// once, through Intl with the customer's zone.

const MS_PER_DAY = 86_400_000;

export interface LocalMoment {
  /** Day number of the local calendar date. */
  day: number;
  /** Local hour 0–23. */
  hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // Throws RangeError for an unknown zone, which is the error callers should see.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localMoment(instant: Date, timeZone: string): LocalMoment {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type === "year") {
      year = Number(part.value);
    } else if (part.type === "month") {
      month = Number(part.value);
    } else if (part.type === "day") {
      day = Number(part.value);
    } else if (part.type === "hour") {
      hour = Number(part.value) % 24;
    }
  }
  return { day: dayNumber(year, month, day), hour };
}

export function dayNumber(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export interface CalendarFields {
  year: number;
  month: number;
  day: number;
}

export function fieldsOf(day: number): CalendarFields {
  const date = new Date(day * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The day number of `month`/`day` in `year`, or null when that date does not exist. */
export function validDay(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return null;
  }
  return dayNumber(year, month, day);
}

export function formatDay(day: number): CalendarDate {
  const { year, month, day: date } = fieldsOf(day);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(date).padStart(2, "0")}`;
}

/** Monday of the week containing `day` (weeks run Monday to Sunday). */
export function mondayOf(day: number): number {
  return day - ((weekdayOf(day) + 6) % 7);
}

/** The first day on or after `from` with the given weekday. */
export function nextWeekdayOnOrAfter(from: number, weekday: number): number {
  return from + ((weekday - weekdayOf(from) + 7) % 7);
}

/** Last day of the month `offset` months after the month containing `day`. */
export function endOfMonth(day: number, offset: number): number {
  const { year, month } = fieldsOf(day);
  return dayNumber(year, month + offset + 1, 0);
}

/** First day of the month `offset` months after the month containing `day`. */
export function startOfMonth(day: number, offset: number): number {
  const { year, month } = fieldsOf(day);
  return dayNumber(year, month + offset, 1);
}

/** The same day-of-month `months` later, clamped to that month's last day. */
export function addMonths(day: number, months: number): number {
  const { year, month, day: date } = fieldsOf(day);
  const target = dayNumber(year, month + months, 1);
  const fields = fieldsOf(target);
  return target + Math.min(date, daysInMonth(fields.year, fields.month)) - 1;
}
