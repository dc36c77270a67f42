import type { NotifyStaffParams } from "../../machines/thread.effects.js";
import type { ThreadEvent } from "../../machines/thread.events.js";
import { TIMER_KEYS } from "../../machines/thread.machine.js";
import { instantAtLocalTime, localDateOf } from "../domain/calendar.js";
import { type CompanySettings, parseCompanySettings } from "../domain/company-settings.js";
import { toAppError } from "../domain/errors.js";
import { planReminder, type ReminderPlan } from "../domain/ladder.js";
import { type RecipientLocation, recipientLocation } from "../domain/recipient-location.js";
import { sendWindowAt } from "../domain/send-window.js";
import { applyThreadEvent } from "./apply-thread-event.js";
import type { Accounting, Clock, Logger, PipelineStore, PipelineUnitOfWork } from "./ports.js";
import type { DueReminder, ReminderStore, ReminderThreadFacts } from "./reminder-port.js";

// The outbound half's heartbeat. Each pass claims due ladder timers, waits for the window if
// the customer's local time is outside it, re-reads every invoice involved from QuickBooks in
// batches and catches up Stripe payments (the pre-send check), then, thread by thread in its
// own transaction, plans the ladder and lets the thread machine decide. The result is at
// most one reminder per customer per check, queued in the outbox; the dispatcher re-checks
// the send gates right before the provider call.

export interface ReminderPassDeps {
  reminders: ReminderStore;
  pipeline: PipelineStore;
  /** Null when QuickBooks is not connected: nothing can be checked, so nothing is sent. */
  accounting: Accounting | null;
  /** Lists payment events since the last cursor and processes them (missed webhooks). */
  catchUpPayments: (() => Promise<unknown>) | null;
  clock: Clock;
  logger: Logger;
  batchSize: number;
  /** How long a claimed timer stays claimed before another pass may take it over. */
  leaseMs: number;
  /**
   * Where the last arming scan left off (per process): null makes the next pass look at
   * every open invoice, as on start-up.
   */
  arming: { watermark: Date | null };
}

export interface ReminderPassResult {
  claimed: number;
  queued: number;
  handedOff: number;
  approvalRequested: number;
  waitingForWindow: number;
  dropped: Record<string, number>;
  failed: number;
}

/** How many ids QuickBooks accepts in one `Id IN (…)` query. */
const QUICKBOOKS_BATCH = 1000;
const BUSY_RETRY_MS = 60_000;
const CHECK_FAILED_RETRY_MS = 5 * 60_000;

interface Prepared {
  due: DueReminder;
  /** As read before the pre-send check (its invoice ids are what the check re-reads). */
  facts: ReminderThreadFacts;
  settings: CompanySettings;
  location: RecipientLocation;
  closesAt: Date;
}

export async function runReminderPass(deps: ReminderPassDeps): Promise<ReminderPassResult> {
  const result: ReminderPassResult = {
    claimed: 0,
    queued: 0,
    handedOff: 0,
    approvalRequested: 0,
    waitingForWindow: 0,
    dropped: {},
    failed: 0,
  };
  const now = deps.clock.now();
  await deps.reminders.lapseHeldReminders(now);
  const arming = await deps.reminders.armReminderTimers(now, deps.arming.watermark);
  deps.arming.watermark = arming.watermark;
  const due = await deps.reminders.claimDue(
    now,
    deps.batchSize,
    new Date(now.getTime() + deps.leaseMs),
  );
  result.claimed = due.length;
  if (due.length === 0) {
    return result;
  }
  const dueByThread = new Map(due.map((entry) => [entry.threadId, entry]));

  // Outside the customer's window nothing is planned: the check (and its API calls) happens
  // when the window opens, so what is read is what is sent.
  const ready: Prepared[] = [];
  for (const facts of await deps.reminders.loadFacts([...dueByThread.keys()])) {
    const entry = dueByThread.get(facts.threadId);
    if (!entry) {
      continue;
    }
    let settings: CompanySettings;
    try {
      settings = parseCompanySettings(facts.company.settings);
    } catch (thrown) {
      deps.logger.error(
        { companyId: facts.companyId, err: toAppError(thrown).message },
        "company settings are invalid; ladder paused for an hour",
      );
      await deps.reminders.rescheduleTimer(entry.timerId, new Date(now.getTime() + 3_600_000));
      result.failed++;
      continue;
    }
    const location = recipientLocation({
      e164: facts.phone,
      timeZone: facts.customer?.timeZone ?? null,
      region: facts.customer?.region ?? null,
    });
    const window = sendWindowAt(
      { zones: location.zones, regions: location.regions, settings },
      now,
    );
    if (!window.open) {
      await deps.reminders.rescheduleTimer(entry.timerId, window.opensAt);
      result.waitingForWindow++;
      continue;
    }
    ready.push({ due: entry, facts, settings, location, closesAt: window.closesAt });
  }
  if (ready.length === 0) {
    return result;
  }

  const unchecked = await preSendCheck(deps, ready, now);
  for (const prepared of ready) {
    if (unchecked.has(prepared.due.companyId)) {
      await deps.reminders.rescheduleTimer(
        prepared.due.timerId,
        new Date(now.getTime() + CHECK_FAILED_RETRY_MS),
      );
      result.failed++;
    }
  }
  const checked = ready.filter((prepared) => !unchecked.has(prepared.due.companyId));
  const factsByThread = new Map(
    (await deps.reminders.loadFacts(checked.map((prepared) => prepared.due.threadId))).map(
      (facts) => [facts.threadId, facts],
    ),
  );
  for (const prepared of checked) {
    const facts = factsByThread.get(prepared.due.threadId);
    try {
      const outcome = facts
        ? await remindThread(deps, prepared, facts, now)
        : { kind: "dropped" as const, reason: "thread_missing", nextAt: null };
      await deps.reminders.rescheduleTimer(prepared.due.timerId, outcome.nextAt);
      tally(result, outcome);
    } catch (thrown) {
      const error = toAppError(thrown);
      result.failed++;
      deps.logger.error(
        { threadId: prepared.due.threadId, code: error.code, err: error.message },
        "ladder check failed",
      );
      await deps.reminders.rescheduleTimer(
        prepared.due.timerId,
        new Date(now.getTime() + CHECK_FAILED_RETRY_MS),
      );
    }
  }
  return result;
}

/**
 * Re-reads every invoice the planned threads involve, one QuickBooks query per company and
 * thousand invoices, then catches up payments once. Returns the companies whose check
 * failed: their threads wait, since nothing is sent on stale facts.
 */
async function preSendCheck(
  deps: ReminderPassDeps,
  ready: Prepared[],
  now: Date,
): Promise<Set<string>> {
  const failed = new Set<string>();
  const idsByCompany = new Map<string, Set<string>>();
  for (const { facts: thread } of ready) {
    const ids = idsByCompany.get(thread.companyId) ?? new Set<string>();
    for (const invoice of thread.invoices) {
      ids.add(invoice.quickbooksId);
    }
    idsByCompany.set(thread.companyId, ids);
  }
  for (const [companyId, idSet] of idsByCompany) {
    const ids = [...idSet];
    if (ids.length === 0) {
      continue;
    }
    if (!deps.accounting) {
      failed.add(companyId);
      continue;
    }
    try {
      for (let start = 0; start < ids.length; start += QUICKBOOKS_BATCH) {
        const batch = ids.slice(start, start + QUICKBOOKS_BATCH);
        const read = await deps.accounting.readInvoices(companyId, batch);
        const seen = new Set(read.map((invoice) => invoice.quickbooksId));
        await deps.reminders.refreshInvoices(
          companyId,
          read,
          batch.filter((id) => !seen.has(id)),
          now,
        );
      }
    } catch (thrown) {
      const error = toAppError(thrown);
      failed.add(companyId);
      deps.logger.warn(
        { companyId, code: error.code, err: error.message },
        "pre-send QuickBooks check failed; reminders wait",
      );
    }
  }
  if (deps.catchUpPayments) {
    try {
      await deps.catchUpPayments();
    } catch (thrown) {
      const error = toAppError(thrown);
      // Without the payment catch-up a paid customer could be texted: nobody is, this pass.
      for (const companyId of idsByCompany.keys()) {
        failed.add(companyId);
      }
      deps.logger.warn(
        { code: error.code, err: error.message },
        "payment catch-up failed; reminders wait",
      );
    }
  }
  return failed;
}

type ThreadOutcome =
  | { kind: "queued"; nextAt: Date | null }
  | { kind: "handed_off"; nextAt: Date | null }
  | { kind: "approval"; nextAt: Date | null }
  | { kind: "dropped"; reason: string; nextAt: Date | null }
  | { kind: "nothing"; nextAt: Date | null };

/** States in which the ladder speaks; elsewhere the machine owns the timing. */
const LADDER_STATES = new Set(["active", "closed", "new"]);

async function remindThread(
  deps: ReminderPassDeps,
  prepared: Prepared,
  facts: ReminderThreadFacts,
  now: Date,
): Promise<ThreadOutcome> {
  const drop = dropReason(facts);
  const today = localDateOf(now, prepared.location.timeZone);
  const plan = planReminder({
    invoices: facts.invoices,
    segment: facts.customer?.segment ?? "default",
    settings: prepared.settings,
    today,
    repeatedLate:
      facts.previousLateDay !== null &&
      prepared.settings.ladders.recurring.some(
        (step) => step.action === "staff_if_repeated" && (facts.previousLateDay ?? 0) >= step.day,
      ),
  });
  const nextAt = plan.nextDate ? nextCheckAt(plan.nextDate, prepared) : null;
  const causationId = `${prepared.due.timerId}@${now.toISOString()}`;

  return deps.pipeline.inTransaction(async (uow): Promise<ThreadOutcome> => {
    const locked = await uow.tryLockThreadById(facts.threadId);
    if (!locked) {
      return { kind: "nothing", nextAt: new Date(now.getTime() + BUSY_RETRY_MS) };
    }
    const key = { companyId: facts.companyId, phone: facts.phone };
    const context = { at: now, causationId };
    const input = await uow.threadInput(key);
    // Facts first: a thread whose invoices are all paid closes; a closed one with a new
    // open invoice reopens. The invoices the mirror shows paid off (not voided) tell the
    // machine a payment did it, which earns the customer a thank-you.
    const updated = await applyThreadEvent(
      uow,
      locked,
      input,
      {
        type: "invoices.updated",
        at: now.toISOString(),
        openInvoices: input.openInvoices ?? [],
        paidInvoiceIds: facts.paidInvoiceIds,
      },
      context,
    );
    if (drop !== null || facts.invoices.length === 0 || !LADDER_STATES.has(updated.state)) {
      const reason = drop ?? (facts.invoices.length === 0 ? "paid" : `thread_${updated.state}`);
      await audit(uow, facts, "reminder.dropped", { reason }, now);
      // A paused thread re-arms the ladder when it becomes active again.
      return { kind: "dropped", reason, nextAt: null };
    }
    const thread = await uow.lockThreadById(facts.threadId);
    if (!thread) {
      return { kind: "dropped", reason: "thread_missing", nextAt: null };
    }

    if (plan.approvalNeededIds.length > 0) {
      await uow.markApprovalNeeded(plan.approvalNeededIds);
      const staff: NotifyStaffParams = {
        reason: "approval_needed",
        text: approvalText(facts, plan),
      };
      await uow.persistEffects(thread, [{ type: "notifyStaff", params: staff }], context);
      await audit(
        uow,
        facts,
        "reminder.approval_requested",
        { invoiceIds: plan.approvalNeededIds },
        now,
      );
    }
    const event = checkEvent(plan, now);
    if (!event) {
      await uow.recordLadderOutcome({
        threadId: facts.threadId,
        causationId,
        marks: plan.marks,
        holdUntil: null,
        writeMarks: "always",
      });
      return plan.approvalNeededIds.length > 0
        ? { kind: "approval", nextAt }
        : { kind: "nothing", nextAt };
    }
    const applied = await applyThreadEvent(uow, thread, await uow.threadInput(key), event, context);
    const review = prepared.settings.sendingMode === "review";
    const { queued } = await uow.recordLadderOutcome({
      threadId: facts.threadId,
      causationId,
      marks: plan.marks,
      holdUntil: review ? prepared.closesAt : null,
      writeMarks: event.handOff ? "always" : "if_queued",
    });
    if (event.handOff) {
      await audit(
        uow,
        facts,
        "reminder.handed_to_staff",
        { invoiceIds: plan.staffInvoiceIds },
        now,
      );
      return { kind: "handed_off", nextAt: applied.state === "handedOff" ? null : nextAt };
    }
    if (!queued) {
      const reason = `thread_${applied.state}`;
      await audit(uow, facts, "reminder.dropped", { reason }, now);
      return { kind: "dropped", reason, nextAt };
    }
    await audit(
      uow,
      facts,
      "reminder.queued",
      { template: event.reminder?.template, invoiceIds: event.reminder?.invoiceIds, review },
      now,
    );
    return { kind: "queued", nextAt };
  });
}

function dropReason(facts: ReminderThreadFacts): string | null {
  if (!facts.customer) {
    return "no_customer";
  }
  if (facts.customer.segment === "excluded") {
    return "excluded";
  }
  if (facts.company.sendingPausedReason) {
    return "sending_paused";
  }
  const phone = facts.phoneFacts;
  if (!phone) {
    return "no_phone";
  }
  if (phone.consent === "opted_out") {
    return "opted_out";
  }
  if (phone.lineType === "landline") {
    return "landline";
  }
  if (phone.undeliverable || phone.smsBlockedReason) {
    return "undeliverable";
  }
  return null;
}

function checkEvent(
  plan: ReminderPlan,
  now: Date,
): Extract<ThreadEvent, { type: "check.due" }> | null {
  const base = { type: "check.due" as const, at: now.toISOString(), key: TIMER_KEYS.reminder };
  if (plan.staffInvoiceIds.length > 0) {
    return { ...base, reminder: null, handOff: true };
  }
  if (plan.text) {
    return { ...base, reminder: plan.text, handOff: false };
  }
  return null;
}

/** The next ladder check: when the window opens on the rung's date (after any holiday). */
function nextCheckAt(date: string, prepared: Prepared): Date {
  const midnight = instantAtLocalTime(date, 0, 0, prepared.location.timeZone);
  const window = sendWindowAt(
    {
      zones: prepared.location.zones,
      regions: prepared.location.regions,
      settings: prepared.settings,
    },
    midnight,
  );
  return window.open ? midnight : window.opensAt;
}

function approvalText(facts: ReminderThreadFacts, plan: ReminderPlan): string {
  const numbers = facts.invoices
    .filter((invoice) => plan.approvalNeededIds.includes(invoice.id))
    .map((invoice) => invoice.docNumber ?? invoice.quickbooksId);
  return `Invoice ${numbers.join(", ")} is above the approval limit: approve it before its first reminder.`;
}

async function audit(
  uow: PipelineUnitOfWork,
  facts: ReminderThreadFacts,
  action: string,
  details: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await uow.recordAudit({
    companyId: facts.companyId,
    threadId: facts.threadId,
    actor: "scheduler",
    action,
    details,
    at,
  });
}

function tally(result: ReminderPassResult, outcome: ThreadOutcome): void {
  switch (outcome.kind) {
    case "queued":
      result.queued++;
      return;
    case "handed_off":
      result.handedOff++;
      return;
    case "approval":
      result.approvalRequested++;
      return;
    case "dropped":
      result.dropped[outcome.reason] = (result.dropped[outcome.reason] ?? 0) + 1;
      return;
    case "nothing":
      return;
  }
}
