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
      minute: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// Reading a zone's wall clock through Intl costs microseconds, so the zone's UTC offset is kept
// per quarter hour (offsets only ever change on such boundaries) and reused for every reply
// arriving within it.
const QUARTER_HOUR_MS = 900_000;
const MS_PER_HOUR = 3_600_000;
const MAX_DATE_MS = 8.64e15;
const MAX_CACHED_OFFSETS = 4_096;
const offsets = new Map<string, Map<number, number>>();

export function localMoment(instant: Date, timeZone: string): LocalMoment {
  const time = instant.getTime();
  const quarter = Math.floor(time / QUARTER_HOUR_MS);
  let zone = offsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  let offset = zone.get(quarter);
  if (offset === undefined) {
    const wall = wallClock(instant, timeZone);
    offset = wall - Math.floor(time / 60_000) * 60_000;
    if (zone.size >= MAX_CACHED_OFFSETS) {
      zone.clear();
    }
    zone.set(quarter, offset);
  }
  const local = time + offset;
  const day = Math.floor(local / MS_PER_DAY);
  return {
    day,
    // As `new Date(local).getUTCHours()` would say, without building a Date (outside a Date's
    // range that is NaN, kept as such).
    hour:
      Math.abs(local) <= MAX_DATE_MS
        ? Math.floor((local - day * MS_PER_DAY) / MS_PER_HOUR)
        : new Date(local).getUTCHours(),
  };
}

/** The wall-clock time in `timeZone`, to the minute, as if it were a UTC timestamp. */
function wallClock(instant: Date, timeZone: string): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type === "year") {
      year = Number(part.value);
    } else if (part.type === "month") {
      month = Number(part.value);
    } else if (part.type === "day") {
      day = Number(part.value);
    } else if (part.type === "hour") {
      hour = Number(part.value) % 24;
    } else if (part.type === "minute") {
      minute = Number(part.value);
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute);
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
