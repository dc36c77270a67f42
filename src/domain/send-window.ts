import {
  addDays,
  instantAtLocalTime,
  type LocalDate,
  localDateOf,
  parseLocalDate,
} from "./calendar.js";
import type { CompanySettings } from "./company-settings.js";
import { AppError } from "./errors.js";
import { isHoliday } from "./holiday-calendar.js";
import { stateSendWindowsFor } from "./state-send-windows.js";

// When a reminder may be handed to the carrier (REQ-28..30, DESIGN §5 "Quiet hours"): inside
// 08:00–21:00, narrowed by the company's own window and by the state table, on a send day that
// is not a holiday — in every zone the recipient may be in at once (REQ-29). Each zone yields
// its own list of allowed intervals; the recipient's windows are their intersection.

/** REQ-28: Reg F 1006.6(b)(1)(i)'s convenient hours, applied to every reminder. */
export const LEGAL_SEND_WINDOW = { start: "08:00", end: "21:00" } as const;

/** How far ahead a closed window looks for its next opening before calling it `no_common_window`. */
export const SEND_WINDOW_SEARCH_DAYS = 14;

const DAY_MS = 86_400_000;

export interface SendWindowInput {
  /** Every IANA zone the recipient may be in (billing address, area code); at least one. */
  zones: readonly string[];
  /** US state codes from the area code and the billing address, for the REQ-30 table. */
  regions: readonly string[];
  settings: Pick<CompanySettings, "sendWindow" | "sendDays" | "holidays">;
}

export type SendWindowClosedReason =
  | "before_hours"
  | "after_hours"
  | "holiday"
  | "send_day"
  | "no_common_window";

export type SendWindowState =
  | { open: true; closesAt: Date }
  | { open: false; opensAt: Date; reason: SendWindowClosedReason };

/** The local wall-clock window that applies in each zone, or null when the limits leave none. */
export function localSendWindow(
  input: Pick<SendWindowInput, "regions" | "settings">,
): { start: string; end: string } | null {
  const overrides = stateSendWindowsFor(input.regions);
  // HH:MM strings compare in time order.
  const start = [
    LEGAL_SEND_WINDOW.start,
    input.settings.sendWindow.start,
    ...overrides.map((row) => row.start),
  ]
    .sort()
    .at(-1);
  const end = [
    LEGAL_SEND_WINDOW.end,
    input.settings.sendWindow.end,
    ...overrides.map((row) => row.end),
  ]
    .sort()
    .at(0);
  return start !== undefined && end !== undefined && start < end ? { start, end } : null;
}

/**
 * Whether a reminder may go out at `now`, and until when; if not, the exact next instant it
 * may, searched up to `SEND_WINDOW_SEARCH_DAYS` ahead (`no_common_window` past that, with
 * `opensAt` at the end of the search so the caller asks again then rather than dropping it).
 */
export function sendWindowAt(input: SendWindowInput, now: Date): SendWindowState {
  const zones = [...new Set(input.zones)];
  if (zones.length === 0) {
    throw new AppError("VALIDATION_FAILED", "sendWindowAt needs at least one time zone");
  }
  const at = now.getTime();
  const searchEnd = at + SEND_WINDOW_SEARCH_DAYS * DAY_MS;
  const window = localSendWindow(input);
  if (window === null) {
    return { open: false, opensAt: new Date(searchEnd), reason: "no_common_window" };
  }

  const allowed = zones
    .map((zone) => allowedIntervals(zone, now, window, input.settings))
    .reduce(intersectIntervals);

  const current = allowed.find((interval) => interval.start <= at && at < interval.end);
  if (current) {
    return { open: true, closesAt: new Date(current.end) };
  }
  const next = allowed.find((interval) => interval.start > at && interval.start <= searchEnd);
  if (!next) {
    return { open: false, opensAt: new Date(searchEnd), reason: "no_common_window" };
  }
  return {
    open: false,
    opensAt: new Date(next.start),
    reason: closedReason(zones, now, window, input.settings) ?? "no_common_window",
  };
}

/** The first instant at or after `notBefore` at which the window is open. */
export function earliestSendTime(input: SendWindowInput, notBefore: Date): Date {
  const state = sendWindowAt(input, notBefore);
  return state.open ? notBefore : state.opensAt;
}

interface Interval {
  start: number;
  end: number;
}

function allowedIntervals(
  zone: string,
  now: Date,
  window: { start: string; end: string },
  settings: SendWindowInput["settings"],
): Interval[] {
  const [startHour, startMinute] = hoursAndMinutes(window.start);
  const [endHour, endMinute] = hoursAndMinutes(window.end);
  // From the day before `now` (another zone may already be a calendar day ahead) to a day past
  // the search, so intersections at both edges are whole.
  const first = localDateOf(new Date(now.getTime() - DAY_MS), zone);
  const intervals: Interval[] = [];
  for (let offset = 0; offset <= SEND_WINDOW_SEARCH_DAYS + 2; offset += 1) {
    const date = addDays(first, offset);
    if (blockedDay(date, settings) !== null) {
      continue;
    }
    intervals.push({
      start: instantAtLocalTime(date, startHour, startMinute, zone).getTime(),
      end: instantAtLocalTime(date, endHour, endMinute, zone).getTime(),
    });
  }
  return intervals;
}

function intersectIntervals(a: Interval[], b: Interval[]): Interval[] {
  const result: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const left = a[i] as Interval;
    const right = b[j] as Interval;
    const start = Math.max(left.start, right.start);
    const end = Math.min(left.end, right.end);
    if (start < end) {
      result.push({ start, end });
    }
    if (left.end < right.end) {
      i += 1;
    } else {
      j += 1;
    }
  }
  return result;
}

/** Why the window is shut at `now`: the most telling reason over all zones. */
function closedReason(
  zones: readonly string[],
  now: Date,
  window: { start: string; end: string },
  settings: SendWindowInput["settings"],
): SendWindowClosedReason | null {
  const reasons = new Set<SendWindowClosedReason>();
  for (const zone of zones) {
    const date = localDateOf(now, zone);
    const blocked = blockedDay(date, settings);
    if (blocked !== null) {
      reasons.add(blocked);
      continue;
    }
    const [startHour, startMinute] = hoursAndMinutes(window.start);
    const [endHour, endMinute] = hoursAndMinutes(window.end);
    if (now < instantAtLocalTime(date, startHour, startMinute, zone)) {
      reasons.add("before_hours");
    } else if (now >= instantAtLocalTime(date, endHour, endMinute, zone)) {
      reasons.add("after_hours");
    }
  }
  const order: SendWindowClosedReason[] = ["holiday", "send_day", "after_hours", "before_hours"];
  return order.find((reason) => reasons.has(reason)) ?? null;
}

function blockedDay(
  date: LocalDate,
  settings: SendWindowInput["settings"],
): "holiday" | "send_day" | null {
  if (isHoliday(date, settings.holidays)) {
    return "holiday";
  }
  return settings.sendDays.includes(isoWeekday(date)) ? null : "send_day";
}

/** 1 = Monday … 7 = Sunday, as `sendDays` counts. */
function isoWeekday(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7;
}

function hoursAndMinutes(hhmm: string): [number, number] {
  const [hours, minutes] = hhmm.split(":").map(Number);
  return [hours ?? 0, minutes ?? 0];
}
