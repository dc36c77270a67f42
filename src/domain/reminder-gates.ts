import type { CompanySettings } from "./company-settings.js";
import { capAllows } from "./frequency-caps.js";
import { recipientLocation } from "./recipient-location.js";
import {
  earliestSendTime,
  type SendWindowClosedReason,
  type SendWindowInput,
  sendWindowAt,
} from "./send-window.js";
import { validityPeriodSeconds } from "./validity-period.js";

// The last word before a reminder is handed to Twilio, asked again right before every provider
// call (REQ-06: a decision made after an opt-out must see it). Replies and compliance texts are
// not gated here: they go out at any hour and never count against caps (REQ-19, REQ-32).
// Order matters: reasons never to send come first, then reasons to ask again later.

/** REQ-36: a line-type check older than this is repeated before the next reminder. */
export const LINE_TYPE_MAX_AGE_DAYS = 90;
const LINE_TYPE_MAX_AGE_MS = LINE_TYPE_MAX_AGE_DAYS * 86_400_000;

export interface ReminderGateInput {
  now: Date;
  settings: CompanySettings;
  phone: {
    e164: string;
    consent: "subscribed" | "opted_out";
    lineType: "mobile" | "landline" | "voip" | "unknown" | null;
    lineTypeCheckedAt: Date | null;
    undeliverable: boolean;
    smsBlockedReason: string | null;
  };
  /** region = US state code of the billing address. */
  customer: { timeZone: string | null; region: string | null };
  companySendingPausedReason: string | null;
  /** Reminders already sent to this phone in the last 8 days (replies excluded). */
  reminderSentAt: Date[];
}

export type ReminderDeferReason =
  | SendWindowClosedReason
  | "daily_cap"
  | "weekly_cap"
  | "closing_soon";

export type ReminderGateDecision =
  | { kind: "send"; validityPeriodSeconds: number; closesAt: Date; zones: string[] }
  | { kind: "defer"; until: Date; reason: ReminderDeferReason }
  | {
      kind: "skip";
      reason: "opted_out" | "landline" | "undeliverable" | "blocked" | "sending_paused";
    }
  /** Line type never checked or older than 90 days (REQ-36): look it up, then ask again. */
  | { kind: "lookup" };

export function decideReminderGate(input: ReminderGateInput): ReminderGateDecision {
  const { now, phone } = input;

  if (phone.consent === "opted_out") {
    return { kind: "skip", reason: "opted_out" };
  }
  if (input.companySendingPausedReason !== null) {
    return { kind: "skip", reason: "sending_paused" };
  }
  if (phone.smsBlockedReason !== null) {
    return { kind: "skip", reason: "blocked" };
  }
  if (phone.undeliverable) {
    return { kind: "skip", reason: "undeliverable" };
  }

  // A stale "landline" is looked up again too: numbers are ported from fixed lines to mobiles.
  if (
    phone.lineType === null ||
    phone.lineTypeCheckedAt === null ||
    now.getTime() - phone.lineTypeCheckedAt.getTime() > LINE_TYPE_MAX_AGE_MS
  ) {
    return { kind: "lookup" };
  }
  if (phone.lineType === "landline") {
    return { kind: "skip", reason: "landline" };
  }
  // "voip" is allowed but flagged elsewhere; "unknown" is a lookup that failed: allowed with
  // monitoring (REQ-36).

  const location = recipientLocation({
    e164: phone.e164,
    timeZone: input.customer.timeZone,
    region: input.customer.region,
  });
  const windowInput: SendWindowInput = {
    zones: location.zones,
    regions: location.regions,
    settings: input.settings,
  };

  const window = sendWindowAt(windowInput, now);
  if (!window.open) {
    return { kind: "defer", until: window.opensAt, reason: window.reason };
  }

  const cap = capAllows({
    sentAt: input.reminderSentAt,
    now,
    timeZone: location.timeZone,
    massachusetts: location.massachusetts,
    caps: input.settings.caps,
  });
  if (!cap.allowed) {
    return {
      kind: "defer",
      until: earliestSendTime(windowInput, cap.notBefore),
      reason: cap.reason,
    };
  }

  const seconds = validityPeriodSeconds(now, window.closesAt);
  if (seconds === null) {
    return {
      kind: "defer",
      until: earliestSendTime(windowInput, window.closesAt),
      reason: "closing_soon",
    };
  }
  return {
    kind: "send",
    validityPeriodSeconds: seconds,
    closesAt: window.closesAt,
    zones: location.zones,
  };
}
