import { addDays, instantAtLocalTime, localDateOf } from "./calendar.js";
import type { CompanySettings } from "./company-settings.js";

// REQ-32 / DESIGN §5 "Consolidation and caps": how many reminders one number may receive.
// Callers pass only reminders (texts we initiated); replies to the customer's own messages
// never count.

const DAY_MS = 86_400_000;
export const ROLLING_WINDOW_MS = 7 * DAY_MS;

export interface CapInput {
  /** When earlier reminders to this number were handed to the carrier. */
  sentAt: readonly Date[];
  now: Date;
  /** The recipient's zone, for "calendar day". */
  timeZone: string;
  /** Area code or billing address in Massachusetts: 940 CMR 7.04(1)(f)'s two per 7 days. */
  massachusetts: boolean;
  caps: CompanySettings["caps"];
}

export type CapDecision =
  | { allowed: true }
  | { allowed: false; notBefore: Date; reason: "daily_cap" | "weekly_cap" };

export function capAllows(input: CapInput): CapDecision {
  const { now, timeZone, caps } = input;
  const at = now.getTime();
  const past = input.sentAt.map((sent) => sent.getTime()).filter((sent) => sent <= at);
  const blocks: { notBefore: Date; reason: "daily_cap" | "weekly_cap" }[] = [];

  const today = localDateOf(now, timeZone);
  const sentToday = past.filter((sent) => localDateOf(new Date(sent), timeZone) === today).length;
  if (sentToday >= caps.perDay) {
    blocks.push({
      notBefore: instantAtLocalTime(addDays(today, 1), 0, 0, timeZone),
      reason: "daily_cap",
    });
  }

  // Rolling 7×24 h: a reminder stops counting exactly seven days after it was sent.
  const weeklyLimit = input.massachusetts
    ? Math.min(caps.per7Days, caps.per7DaysMassachusetts)
    : caps.per7Days;
  const inWindow = past.filter((sent) => at - sent < ROLLING_WINDOW_MS).sort((a, b) => a - b);
  if (inWindow.length >= weeklyLimit) {
    // Enough of the oldest must age out to leave room for one more.
    const freeing = inWindow[inWindow.length - weeklyLimit] as number;
    blocks.push({ notBefore: new Date(freeing + ROLLING_WINDOW_MS), reason: "weekly_cap" });
  }

  // Both caps must be free at once: wait for the later of the two.
  const latest = blocks.sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime())[0];
  return latest ? { allowed: false, ...latest } : { allowed: true };
}
