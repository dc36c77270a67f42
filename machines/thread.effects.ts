import type { LocalDate } from "../src/domain/calendar.js";
import type { Installment } from "./thread.context.js";
import type { Language, TemplateId } from "./thread.templates.js";

// The effect vocabulary. The machine returns these as data; the host persists them
// (outbox rows, timer rows, ledger rows) in the same transaction as the snapshot.

/**
 * reminder: bot-initiated dunning text (ladder, installment, missed promise): subject to
 *   quiet hours and caps.
 * reply: the bot answering the customer's own message.
 * compliance: HELP answers and opt-out/opt-in confirmations; sent in every state.
 * staff: written by a person; the bot only carries it.
 */
export type SmsKind = "reminder" | "reply" | "compliance" | "staff";

export type StaffReason =
  | "verify_payment"
  | "paid_claim_unresolved"
  | "dispute"
  | "human_requested"
  | "unclear_replies"
  | "promise_too_far"
  | "promise_broken"
  | "installment_missed"
  | "wrong_number"
  | "customer_message"
  | "payment_failed"
  | "payment_received"
  | "ladder_exhausted"
  | "opted_out_in_own_words"
  | "approval_needed"
  | "landline";

export interface SendSmsParams {
  template: TemplateId;
  kind: SmsKind;
  language: Language;
  vars: Record<string, string>;
}

export interface NotifyStaffParams {
  reason: StaffReason;
  text?: string;
}

export interface ScheduleTimerParams {
  key: string;
  at: string;
}

export interface CancelTimersParams {
  /** `null` cancels every pending timer of the thread. */
  keys: string[] | null;
}

export interface RecordConsentParams {
  change: "opt_out" | "opt_in";
  source: "sms" | "staff" | "web" | "carrier" | "wrong_number";
  text?: string;
}

export interface RecordPromiseParams {
  date: LocalDate;
  invoiceIds: string[];
}

export interface CreatePlanParams {
  installments: Installment[];
  currency: string;
  invoiceIds: string[];
}

export interface FlagCustomerParams {
  reason: "wrong_number";
}

export interface ResolveStaffTasksParams {
  /** The thread's open tasks with these reasons are done; `null`: all its open tasks. */
  reasons: StaffReason[] | null;
}

/** Where a person has taken a thread, as its staff notices show it. */
export type StaffNoticeState = "taken_over" | "handed_back" | "resolved";

export interface RedrawStaffNoticesParams {
  state: StaffNoticeState;
  /** Who did it (a Slack user id when it came from Slack). */
  by: string;
}

export type ThreadEffect =
  | { type: "sendSms"; params: SendSmsParams }
  | { type: "notifyStaff"; params: NotifyStaffParams }
  | { type: "scheduleTimer"; params: ScheduleTimerParams }
  | { type: "cancelTimers"; params: CancelTimersParams }
  | { type: "recordConsent"; params: RecordConsentParams }
  | { type: "recordPromise"; params: RecordPromiseParams }
  | { type: "createPlan"; params: CreatePlanParams }
  | { type: "flagCustomer"; params: FlagCustomerParams }
  | { type: "resolveStaffTasks"; params: ResolveStaffTasksParams }
  /**
   * The posted notices of the thread's tasks that were open before this event show the new
   * state; the host expands it to one `updateStaffNotice` outbox row per task.
   */
  | { type: "redrawStaffNotices"; params: RedrawStaffNoticesParams };

export type ThreadEffectType = ThreadEffect["type"];

export const EFFECT_TYPES: readonly ThreadEffectType[] = [
  "sendSms",
  "notifyStaff",
  "scheduleTimer",
  "cancelTimers",
  "recordConsent",
  "recordPromise",
  "createPlan",
  "flagCustomer",
  "resolveStaffTasks",
  "redrawStaffNotices",
];

const effectTypes = new Set<string>(EFFECT_TYPES);

/** Picks the effect declarations out of the actions `transition()` returns. */
export function toEffects(
  actions: ReadonlyArray<{ type: string; params?: unknown }>,
): ThreadEffect[] {
  return actions
    .filter((action) => effectTypes.has(action.type))
    .map((action) => ({ type: action.type, params: action.params }) as ThreadEffect);
}
