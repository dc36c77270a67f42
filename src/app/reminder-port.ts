import type { InvoiceFacts } from "./ports.js";

// What the reminder pass needs from storage outside a thread's transaction: claiming due
// ladder timers, reading the facts a plan is made of, and keeping the invoice mirror current
// with what the pre-send check read from QuickBooks.

export interface DueReminder {
  timerId: string;
  threadId: string;
  companyId: string;
  phone: string;
}

export interface ReminderInvoice {
  id: string;
  quickbooksId: string;
  docNumber: string | null;
  currency: string;
  balanceMinor: number;
  dueDate: string;
  lastReminderDay: number | null;
  needsApproval: "no" | "pending" | "approved";
}

export interface ReminderThreadFacts {
  threadId: string;
  companyId: string;
  phone: string;
  threadState: string;
  company: {
    name: string;
    timeZone: string;
    settings: unknown;
    sendingPausedReason: string | null;
  };
  customer: {
    id: string;
    quickbooksId: string | null;
    segment: "default" | "recurring" | "net60" | "excluded";
    timeZone: string | null;
    region: string | null;
  } | null;
  phoneFacts: {
    consent: "subscribed" | "opted_out";
    lineType: "mobile" | "landline" | "voip" | "unknown" | null;
    undeliverable: boolean;
    smsBlockedReason: string | null;
  } | null;
  /** Open invoices of the thread's customer, oldest due first. */
  invoices: ReminderInvoice[];
  /** The ladder day the customer's most recently due closed invoice had reached. */
  previousLateDay: number | null;
  /**
   * The customer's invoices the mirror shows paid off lately (balance zero, not voided or
   * deleted): when the open list shrinks, these tell a payment from a void.
   */
  paidInvoiceIds: string[];
}

export interface ReminderStore {
  /**
   * Claims up to `limit` due ladder timers by pushing them to `leaseUntil` (SKIP LOCKED): a
   * crashed pass's timers simply come due again when the lease runs out.
   */
  claimDue(now: Date, limit: number, leaseUntil: Date): Promise<DueReminder[]>;
  loadFacts(threadIds: string[]): Promise<ReminderThreadFacts[]>;
  /**
   * Writes what QuickBooks says now into the invoice mirror; ids QuickBooks no longer returns
   * (deleted) are closed as voided.
   */
  refreshInvoices(
    companyId: string,
    facts: InvoiceFacts[],
    missingQuickbooksIds: string[],
    now: Date,
  ): Promise<void>;
  /** Next ladder check at `at`, or none (`null`) when no rung remains. */
  rescheduleTimer(timerId: string, at: Date | null): Promise<void>;
  /**
   * Makes sure every customer with open invoices has a thread and a due ladder timer when
   * its invoices changed after the ladder was last checked. With `changedSince`, only
   * invoices updated since then are looked at; returns the watermark for the next call.
   */
  armReminderTimers(
    now: Date,
    changedSince: Date | null,
  ): Promise<{ armed: number; watermark: Date }>;
  /**
   * Held reminders (review mode) whose approval window has passed lapse: skipped, their
   * ladder marks restored and their thread's ladder re-checked now.
   */
  lapseHeldReminders(now: Date): Promise<number>;
}
