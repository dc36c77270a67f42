import Holidays from "date-holidays";
import { addDays, type LocalDate, parseLocalDate } from "./calendar.js";
import type { CompanySettings } from "./company-settings.js";

// Which calendar days a company does not send reminders on, from `date-holidays`. A holiday
// blocks its whole calendar day in the recipient's zone, whatever hour the library says it
// starts (Halloween "starts" at 18:00; a reminder that morning is still unwelcome).

export type HolidayCalendar = NonNullable<CompanySettings["holidays"]>;

const DAY_MS = 86_400_000;

// The holiday list of a calendar and year never changes, and the send window asks about the same
// few dates many times per decision.
const datesByCalendarYear = new Map<string, ReadonlySet<LocalDate>>();

export function isHoliday(date: LocalDate, calendar: HolidayCalendar | null): boolean {
  if (calendar === null || calendar.types.length === 0) {
    return false;
  }
  const { year } = parseLocalDate(date);
  // date-holidays files a substitute day under the year it falls in (Friday 31 December 2027
  // for New Year 2028), but a multi-day holiday starting in late December runs into January.
  return [year - 1, year].some((candidate) => holidayDates(calendar, candidate).has(date));
}

function holidayDates(calendar: HolidayCalendar, year: number): ReadonlySet<LocalDate> {
  const key = `${calendar.country}|${calendar.state ?? ""}|${[...calendar.types].sort().join(",")}|${year}`;
  const cached = datesByCalendarYear.get(key);
  if (cached) {
    return cached;
  }
  const options = { types: [...calendar.types] };
  const holidays =
    calendar.state === null
      ? new Holidays(calendar.country, options)
      : new Holidays(calendar.country, calendar.state, options);
  const dates = new Set<LocalDate>();
  for (const holiday of holidays.getHolidays(year)) {
    const first = holiday.date.slice(0, 10);
    // Rounded, not ceiled: a day that contains a DST change lasts 23 or 25 hours.
    const days = Math.max(
      1,
      Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS),
    );
    for (let offset = 0; offset < days; offset += 1) {
      dates.add(addDays(first, offset));
    }
  }
  datesByCalendarYear.set(key, dates);
  return dates;
}
