import type { ThreadInput } from "../../machines/thread.context.js";
import type { ThreadEffect } from "../../machines/thread.effects.js";
import type { Language } from "../../machines/thread.templates.js";
import type { ReminderGateInput } from "../domain/reminder-gates.js";

// Ports: what the use cases need from the outside, named by capability. src/db implements
// the stores, src/adapters the providers; test/fakes holds in-memory providers for tests.

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(object: Record<string, unknown>, message: string): void;
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

// ---- Providers ------------------------------------------------------------------------

export interface OutboundSms {
  companyId: string;
  to: string;
  body: string;
  /** Our outbox id, so adapters can tag status callbacks. */
  reference: string;
  /**
   * Seconds the provider may queue the text before giving up (Twilio ValidityPeriod, 1–36000,
   * error 30036): set so a late text never lands after the recipient's window closes (REQ-31).
   */
  validityPeriodSeconds?: number;
}

export interface SentSms {
  providerMessageId: string;
  status: string;
}

export interface SmsSender {
  send(message: OutboundSms): Promise<SentSms>;
  /**
   * "Was this sent?": looks for a message with this body to this number since `since`.
   * Used before anything left `sending` by a crash is retried.
   */
  findSent(query: {
    companyId: string;
    to: string;
    body: string;
    since: Date;
  }): Promise<SentSms | null>;
}

export interface StaffNotice {
  companyId: string;
  threadId: string;
  taskId: string;
  reason: string;
  /**
   * The task's text: the customer's own words for reasons a reply raised (dispute, PAID…),
   * else one line for staff saying what happened (landline, filtered text…).
   */
  text?: string;
  phone: string;
  /** The rest is what the thread looked like when the notice went out; absent when unknown. */
  customerName?: string;
  /** The customer's open invoices, oldest due first. */
  invoices?: Array<{
    docNumber: string | null;
    balanceMinor: number;
    currency: string;
    /** YYYY-MM-DD. */
    dueDate: string;
  }>;
  /** The thread's last texts (at most 5), oldest first. Bodies are customer data: never log them. */
  lastMessages?: Array<{
    direction: "inbound" | "outbound";
    body: string;
    /** ISO 8601 instant. */
    at: string;
  }>;
}

/** What a posted notice says about who has the thread now. */
export type StaffNoticeStatus =
  | { state: "open" }
  | { state: "taken_over" | "handed_back" | "resolved"; by: string };

export interface StaffNotifier {
  notify(notice: StaffNotice): Promise<{ ref: string }>;
  /** Redraws the notice posted as `ref` (its `notify` result) with the task's new status. */
  updateNotice(ref: string, notice: StaffNotice, status: StaffNoticeStatus): Promise<void>;
}

export interface InvoiceFacts {
  quickbooksId: string;
  docNumber: string | null;
  currency: string;
  totalMinor: number;
  balanceMinor: number;
  dueDate: string;
  voided: boolean;
}

export interface AccountingPayment {
  companyId: string;
  customerQuickbooksId: string;
  amountMinor: number;
  currency: string;
  applications: Array<{ invoiceQuickbooksId: string; amountMinor: number }>;
  memo: string;
  /** Idempotency key: a retry with the same key never posts twice. */
  requestId: string;
}

export interface Accounting {
  readInvoices(companyId: string, quickbooksIds: string[]): Promise<InvoiceFacts[]>;
  recordPayment(payment: AccountingPayment): Promise<{ quickbooksPaymentId: string }>;
}

export interface CheckoutRequest {
  companyId: string;
  threadId: string;
  invoiceIds: string[];
  amountMinor: number;
  currency: string;
  successUrl: string;
  cancelUrl: string;
  idempotencyKey: string;
}

export interface Payments {
  createCheckout(request: CheckoutRequest): Promise<{ sessionId: string; url: string }>;
}

/** A text ready to send: normalised for SMS, with its exact encoding and segment count. */
export interface RenderedMessage {
  body: string;
  encoding: "GSM-7" | "UCS-2";
  segments: number;
}

export interface Templates {
  render(template: string, language: Language, vars: Record<string, string>): RenderedMessage;
  /** The placeholders a template uses (so only texts that show a pay link get one issued). */
  variables(template: string, language: Language): string[];
}

// ---- Pipeline storage ---------------------------------------------------------------------

export interface ThreadKey {
  companyId: string;
  phone: string;
}

export interface LockedThread {
  id: string;
  companyId: string;
  phone: string;
  snapshot: Record<string, unknown> | null;
  machineVersion: number;
  version: number;
}

export interface StoredInboundEvent {
  id: string;
  provider: string;
  externalId: string;
  type: string;
  payload: unknown;
  attempts: number;
}

export interface DueTimer {
  id: string;
  threadId: string;
  key: string;
  dueAt: Date;
}

export interface OutboxRow {
  id: string;
  companyId: string;
  threadId: string | null;
  effectType: string;
  payload: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
  claimedAt: Date | null;
  /** What was handed to the provider, saved just before the call (see `recordAttempt`). */
  attempt: { to: string; body: string } | null;
}

export interface NewInboundEvent {
  provider: string;
  externalId: string;
  type: string;
  payload: unknown;
  companyId?: string | null;
  receivedAt: Date;
}

/** Everything one event's transaction may read and write. Every call runs inside it. */
export interface PipelineUnitOfWork {
  claimInboundEvent(id: string): Promise<StoredInboundEvent | null>;
  markInboundProcessed(id: string, threadId: string | null, at: Date): Promise<void>;
  markInboundRejected(id: string, reason: string, at: Date): Promise<void>;

  /** Locks the thread row (creating it first if needed) until the transaction ends. */
  lockThread(key: ThreadKey): Promise<LockedThread>;
  lockThreadById(threadId: string): Promise<LockedThread | null>;
  threadInput(key: ThreadKey): Promise<ThreadInput>;
  /**
   * One statement: the thread's new snapshot (`step.save`) with every effect of the step
   * (ledger rows, timers, outbox rows). The thread is locked by this transaction.
   */
  commitThread(
    thread: LockedThread,
    step: { save: ThreadSave; effects: ThreadEffect[] },
    context: EffectContext,
    message?: InboundTextRecord,
  ): Promise<void>;

  /** Due pending timers whose thread is not locked by someone else; both rows get locked. */
  claimDueTimer(now: Date): Promise<DueTimer | null>;
  markTimerFired(id: string, at: Date): Promise<void>;

  /** Like lockThreadById, but a thread locked by someone else is skipped (null) instead of awaited. */
  tryLockThreadById(threadId: string): Promise<LockedThread | null>;
  /**
   * After a ladder check: the reminder the machine queued under `causationId` (if any) gets
   * the ladder marks it uses up, and waits for approval when `holdUntil` is set. Returns
   * whether a reminder was queued.
   */
  recordLadderOutcome(outcome: LadderOutcome): Promise<{ queued: boolean }>;
  /** Invoices above the company's approval threshold start waiting for staff approval. */
  markApprovalNeeded(invoiceIds: string[]): Promise<void>;
  recordAudit(entry: AuditEntry): Promise<void>;

  /** Persists the machine's effects: ledger rows, timers and outbox rows. */
  persistEffects(
    thread: LockedThread,
    effects: ThreadEffect[],
    context: EffectContext,
  ): Promise<void>;
}

export interface LadderOutcome {
  threadId: string;
  causationId: string;
  /** Invoice id → ladder day used up by this reminder. */
  marks: Record<string, number>;
  /** Review-before-send: the reminder waits for approval until this instant, then lapses. */
  holdUntil: Date | null;
  /**
   * `if_queued`: the rungs count as used only if a reminder went into the outbox (a paused
   * thread keeps them); `always`: rungs passed without a text (staff, silent) are used up.
   */
  writeMarks: "if_queued" | "always";
}

export interface AuditEntry {
  companyId: string;
  threadId: string | null;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  at: Date;
}

export interface RetryPolicy {
  maxAttempts: number;
  retryDelayMs(attempt: number): number;
}

/** A customer's own text, as the thread's history records it (once per provider id). */
export interface InboundTextRecord {
  body: string;
  from: string;
  to: string;
  providerMessageId: string;
}

/** A thread's state after an event, as persisted. */
export interface ThreadSave {
  snapshot: Record<string, unknown>;
  /** Top-level state name, e.g. `active`. */
  state: string;
  machineVersion: number;
  /** The thread's version after this event (one more than before). */
  version: number;
}

export interface EffectContext {
  at: Date;
  causationId: string;
}

export interface PipelineStore {
  recordInbound(event: NewInboundEvent): Promise<{ id: string; duplicate: boolean }>;
  inTransaction<T>(work: (uow: PipelineUnitOfWork) => Promise<T>): Promise<T>;
  /** Outside any event transaction: count a failed attempt and back off, or dead-letter. */
  recordInboundFailure(
    id: string,
    error: string,
    now: Date,
    policy: RetryPolicy,
  ): Promise<"retry" | "failed">;
  /** A timer whose transaction failed is pushed back so one bad row cannot spin the loop. */
  recordTimerFailure(
    id: string,
    error: string,
    now: Date,
    policy: RetryPolicy,
  ): Promise<"retry" | "failed">;
  pendingInboundIds(now: Date, limit: number): Promise<string[]>;
}

/** A task's first staff notice as the outbox holds it, and whether a newer redraw is queued. */
export interface StaffNoticePost {
  notice: { payload: Record<string, unknown>; status: string; providerRef: string | null } | null;
  superseded: boolean;
}

export interface OutboxStore {
  /** Marks up to `limit` due pending rows `sending` (SKIP LOCKED) and returns them. */
  claimDue(now: Date, limit: number): Promise<OutboxRow[]>;
  /**
   * Rows left `sending` since before `staleBefore` (a crashed worker's): their lease is
   * renewed to `now` so this caller alone reconciles them.
   */
  claimStale(staleBefore: Date, now: Date, limit: number): Promise<OutboxRow[]>;
  complete(id: string, outcome: OutboxDecision): Promise<void>;
  /**
   * Saves the exact text and recipient before the provider call, so reconciliation asks the
   * provider about what was really sent, not about a re-render that may differ.
   */
  recordAttempt(id: string, attempt: { to: string; body: string }): Promise<void>;
  threadPhone(threadId: string): Promise<{ phone: string; companyName: string } | null>;
  sendFacts(
    threadId: string,
    invoiceIds: string[],
    remindersSince: Date,
  ): Promise<SendFacts | null>;
  recordLineType(
    companyId: string,
    e164: string,
    result: { lineType: "mobile" | "landline" | "voip" | "unknown"; invalid: boolean },
    at: Date,
  ): Promise<void>;
  /**
   * A task's first notice (the `notifyStaff` row: its payload, outcome and provider ref),
   * and whether a redraw of it newer than thread version `version` is queued.
   */
  staffNoticePost(threadId: string, taskId: string, version: number): Promise<StaffNoticePost>;
  /** A staff work item and its Slack notice, outside any thread transition (e.g. a landline). */
  raiseStaffTask(task: {
    companyId: string;
    threadId: string;
    reason: string;
    text: string;
    at: Date;
  }): Promise<void>;
  recordOutboundMessage(message: {
    companyId: string;
    threadId: string;
    outboxId: string;
    kind: string;
    template: string;
    language: string;
    body: string;
    segments?: number;
    encoding?: "GSM-7" | "UCS-2";
    to: string;
    providerMessageId: string;
    status: string;
    at: Date;
  }): Promise<void>;
}

/** What the dispatcher knows about a text's recipient and subject right before sending it. */
export interface SendFacts {
  threadState: string;
  threadPhone: string;
  companyName: string;
  /** The company's stored settings (parse with parseCompanySettings). */
  settings: unknown;
  sendingPausedReason: string | null;
  phone: ReminderGateInput["phone"] | null;
  customer: { timeZone: string | null; region: string | null } | null;
  /** The invoices the text names, as mirrored now (any status). */
  invoices: SendFactsInvoice[];
  /** Every open invoice of the thread's customer, oldest due first. */
  openInvoices: SendFactsInvoice[];
  /** The customer's three most recently due invoices, paid or not (a copy asked for later). */
  recentInvoices: SendFactsInvoice[];
  /** Reminders (not replies) sent to this number since the lookback start. */
  reminderSentAt: Date[];
}

export interface SendFactsInvoice {
  id: string;
  number: string;
  balanceMinor: number;
  currency: string;
  dueDate: string;
  status: "open" | "paid" | "voided" | "disputed";
}

export type OutboxDecision =
  | { status: "sent"; at: Date; providerRef: string | null; result?: Record<string, unknown> }
  | { status: "retry"; at: Date; retryAt: Date; error: string }
  | { status: "failed"; at: Date; error: string }
  | { status: "requeue"; at: Date; note: string }
  | { status: "still_unknown"; at: Date; error: string }
  /** A send gate said "not yet": pending again at `until`, not counted as an attempt. */
  | { status: "deferred"; at: Date; until: Date; reason: string }
  /** A send gate said "never": the row is done without a text. */
  | { status: "skipped"; at: Date; reason: string };
