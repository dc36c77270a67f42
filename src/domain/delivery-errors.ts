// Twilio error codes and what we do about each: compliance.md §4 as versioned data (REQ-47).
// Twilio warns that causes behind codes change over time (R23), so this table is data with a
// version, re-verified quarterly, and anything it does not name is never retried
// automatically and raises an operator alert.

/** Bump when a row changes; stored with alerts so a reaction can be traced to its rule. */
export const DELIVERY_ERRORS_VERSION = "2026-11-21.1";

export type DeliveryErrorClass =
  | "permanent"
  | "permanent_until_opt_in"
  | "transient"
  | "content"
  | "configuration"
  | "throttling"
  | "scheduling"
  | "eligibility"
  | "unmapped";

/** When (if ever) the same text may be tried again. */
export type DeliveryRetry =
  /** Never again to this number with this text. */
  | { kind: "never" }
  /** Up to `delaysMinutes.length` more tries, each at least that long after the failure. */
  | { kind: "after"; delaysMinutes: readonly number[]; sameWindowOnly: boolean }
  /** Later in the same send window, when the throttle lets it through (REQ-50). */
  | { kind: "throttled" }
  /** In the recipient's next allowed window, if still relevant and within caps (REQ-31). */
  | { kind: "next_window" }
  /** Not automatically: only once a person fixed the sender and resumed sending (REQ-51). */
  | { kind: "after_fix" };

/** Why texts to a number are blocked; stored as `phones.sms_blocked_reason`. */
export type SmsBlockedReason =
  | "invalid_number"
  | "not_mobile"
  | "landline"
  | "unknown_number"
  | "landline_or_unreachable"
  | "unreachable";

export type DeliveryReaction =
  /** 21610: the recipient opted out at the carrier; suppress and alert if we missed it (REQ-46). */
  | { type: "opt_out" }
  /** The number cannot take texts: block it and ask staff to fix the phone. */
  | { type: "block_number"; reason: SmsBlockedReason }
  /** Count a consecutive failure; the second in a row marks the number undeliverable. */
  | { type: "count_unreachable" }
  /** Filtered as spam or policy: staff review the content. */
  | { type: "alert_filtered" }
  /** The sender itself is refused: stop the company's sending until someone fixes it. */
  | { type: "pause_sending"; reason: "unregistered_sender" | "forbidden_category" }
  /** Too fast for the campaign or the queue: halve the send rate for a while (REQ-50). */
  | { type: "slow_down" }
  /** Expired in the carrier's queue: a reminder is planned afresh for the next window. */
  | { type: "replan_reminder" }
  /** Nothing to change; the retry policy says what happens to the text. */
  | { type: "none" }
  /** A code this table does not know: no retry, and a person looks at it (REQ-47). */
  | { type: "alert_operator" };

export interface DeliveryErrorRule {
  code: number;
  /** Twilio's name for the code, for alerts and logs. */
  name: string;
  class: DeliveryErrorClass;
  retry: DeliveryRetry;
  reaction: DeliveryReaction;
}

const NEVER: DeliveryRetry = { kind: "never" };

/** compliance.md §4, one row per code (21611/30001 and 30943/30863 share their row). */
export const DELIVERY_ERRORS: readonly DeliveryErrorRule[] = [
  {
    code: 21211,
    name: "Invalid 'To' phone number",
    class: "permanent",
    retry: NEVER,
    reaction: { type: "block_number", reason: "invalid_number" },
  },
  {
    code: 21610,
    name: "Attempt to send to unsubscribed recipient",
    class: "permanent_until_opt_in",
    retry: NEVER,
    reaction: { type: "opt_out" },
  },
  {
    code: 21614,
    name: "'To' number is not a valid mobile number",
    class: "permanent",
    retry: NEVER,
    reaction: { type: "block_number", reason: "not_mobile" },
  },
  {
    code: 21635,
    name: "'To' number cannot be a landline",
    class: "permanent",
    retry: NEVER,
    reaction: { type: "block_number", reason: "landline" },
  },
  {
    code: 30003,
    name: "Unreachable destination handset",
    class: "transient",
    retry: { kind: "after", delaysMinutes: [60, 240], sameWindowOnly: true },
    reaction: { type: "count_unreachable" },
  },
  {
    code: 30005,
    name: "Unknown destination handset",
    class: "permanent",
    retry: NEVER,
    reaction: { type: "block_number", reason: "unknown_number" },
  },
  {
    code: 30006,
    name: "Landline or unreachable carrier",
    class: "permanent",
    retry: NEVER,
    reaction: { type: "block_number", reason: "landline_or_unreachable" },
  },
  {
    code: 30007,
    name: "Message filtered",
    class: "content",
    // Never the same body again; a changed template is a new text.
    retry: NEVER,
    reaction: { type: "alert_filtered" },
  },
  {
    code: 30008,
    name: "Unknown error",
    class: "transient",
    // "Retry once after ≥ 10 min; if repeated, follow the 30003 path": counting it with
    // 30003 makes a repeat mark the number undeliverable.
    retry: { kind: "after", delaysMinutes: [10], sameWindowOnly: true },
    reaction: { type: "count_unreachable" },
  },
  {
    code: 30034,
    name: "US A2P 10DLC - Message from an unregistered number",
    class: "configuration",
    retry: { kind: "after_fix" },
    reaction: { type: "pause_sending", reason: "unregistered_sender" },
  },
  {
    code: 30022,
    name: "US A2P 10DLC - Rate limits exceeded",
    class: "throttling",
    retry: { kind: "throttled" },
    reaction: { type: "slow_down" },
  },
  {
    code: 30036,
    name: "Validity period expired",
    class: "scheduling",
    retry: { kind: "next_window" },
    reaction: { type: "replan_reminder" },
  },
  {
    code: 21611,
    name: "Sender queue exceeded",
    class: "throttling",
    retry: { kind: "throttled" },
    reaction: { type: "slow_down" },
  },
  {
    code: 30001,
    name: "Queue overflow",
    class: "throttling",
    retry: { kind: "throttled" },
    reaction: { type: "slow_down" },
  },
  {
    code: 30943,
    name: "Campaign rejected: forbidden use case (third-party debt collection)",
    class: "eligibility",
    retry: NEVER,
    reaction: { type: "pause_sending", reason: "forbidden_category" },
  },
  {
    code: 30863,
    name: "Toll-free verification rejected: forbidden use case (third-party debt collection)",
    class: "eligibility",
    retry: NEVER,
    reaction: { type: "pause_sending", reason: "forbidden_category" },
  },
];

const BY_CODE = new Map(DELIVERY_ERRORS.map((rule) => [rule.code, rule]));

/** The rule for a code; an unmapped code is never retried and alerts an operator (REQ-47). */
export function deliveryErrorRule(code: number): DeliveryErrorRule {
  return (
    BY_CODE.get(code) ?? {
      code,
      name: "Unmapped Twilio error",
      class: "unmapped",
      retry: NEVER,
      reaction: { type: "alert_operator" },
    }
  );
}

/** Whether the pipeline may try the text again on its own (the retry policy says when). */
export function retriesAutomatically(rule: DeliveryErrorRule): boolean {
  return (
    rule.retry.kind === "after" ||
    rule.retry.kind === "throttled" ||
    rule.retry.kind === "next_window"
  );
}
