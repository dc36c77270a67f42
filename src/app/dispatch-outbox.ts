import type {
  NotifyStaffParams,
  SendSmsParams,
  StaffNoticeState,
} from "../../machines/thread.effects.js";
import { daysBetween, localDateOf } from "../domain/calendar.js";
import { type CompanySettings, parseCompanySettings } from "../domain/company-settings.js";
import { AppError, toAppError } from "../domain/errors.js";
import { reminderTemplateFor } from "../domain/ladder.js";
import { type MessageFacts, messageVars } from "../domain/message-format.js";
import { recipientLocation } from "../domain/recipient-location.js";
import { decideReminderGate, type ReminderGateDecision } from "../domain/reminder-gates.js";
import { isReminderTemplate } from "../domain/template-ids.js";
import { retryDelayMs } from "./backoff.js";
import type { LineTypeLookup } from "./line-type-lookup-port.js";
import type {
  Clock,
  Logger,
  OutboxDecision,
  OutboxRow,
  OutboxStore,
  SendFacts,
  SmsSender,
  StaffNotice,
  StaffNotifier,
  Templates,
} from "./ports.js";
import type { StaffNoticeFacts, StaffNoticeFactsStore } from "./staff-notice-port.js";

export interface DispatchDeps {
  outbox: OutboxStore;
  sms: SmsSender;
  notifier: StaffNotifier;
  templates: Templates;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
  /** A row still `sending` after this long is presumed abandoned by a crashed worker. */
  sendingLeaseMs: number;
  /** Line-type lookup before a number's first reminder; null skips it (unknown = allowed). */
  lineTypes?: LineTypeLookup | null;
  /** Messages-per-second and daily segment cap; null sends as fast as rows come due. */
  throttle?: {
    take(
      companyId: string,
      segments: number,
      now: Date,
    ): { ok: true } | { ok: false; retryAt: Date; reason: string };
  } | null;
  /**
   * Reacts to a provider error code from a refused send (opt-out, bad number, paused
   * sender…), as status callbacks do for later failures (compliance §4).
   */
  onDeliveryError?: (report: {
    companyId: string;
    phone: string;
    threadId: string | null;
    code: number;
    at: Date;
    reference: string;
  }) => Promise<unknown>;
  /** Issues the invoice-copy link a COPY reply names (deterministic per outbox row). */
  copyLinks?: { issue(input: LinkRequest): Promise<{ url: string }> } | null;
  /** Issues the pay link a text names (deterministic per outbox row); null leaves texts without one. */
  payLinks?: {
    issue(
      input: LinkRequest & {
        validityDays: number;
        /** An installment's link asks for that installment only. */
        installment?: { number: number; amountMinor: number };
      },
    ): Promise<{ url: string }>;
  } | null;
  /** The customer, invoices and last texts a staff notice shows; null posts the reason alone. */
  noticeFacts?: StaffNoticeFactsStore | null;
}

/** What a link in a text is about; `seed` is the outbox row, so a re-render gives the same link. */
export interface LinkRequest {
  companyId: string;
  threadId: string;
  invoiceIds: string[];
  seed: string;
  now: Date;
}

export interface DispatchPassResult {
  sent: number;
  retried: number;
  failed: number;
  reconciled: number;
  /** Held back by a send gate until a later moment (window, caps, throughput). */
  deferred: number;
  /** Not sent, for good (opted out, paid, landline, thread no longer reminding). */
  skipped: number;
}

/**
 * One dispatcher pass: first reconcile rows a crashed worker left `sending`, then claim due
 * rows (SKIP LOCKED, marked `sending` before any provider call) and run each effect.
 */
export async function dispatchOutbox(
  deps: DispatchDeps,
  limit: number,
): Promise<DispatchPassResult> {
  const result: DispatchPassResult = {
    sent: 0,
    retried: 0,
    failed: 0,
    reconciled: 0,
    deferred: 0,
    skipped: 0,
  };
  const now = deps.clock.now();
  const stale = await deps.outbox.claimStale(
    new Date(now.getTime() - deps.sendingLeaseMs),
    now,
    limit,
  );
  for (const row of stale) {
    await deps.outbox.complete(row.id, await reconcile(deps, row));
    result.reconciled++;
  }
  // One row per claim, each with a fresh lease: a batch claimed at once could outlive its
  // lease while earlier rows are still being sent, and another worker would reclaim it.
  for (let claimed = 0; claimed < limit; claimed++) {
    const [row] = await deps.outbox.claimDue(deps.clock.now(), 1);
    if (!row) {
      break;
    }
    const decision = await runEffect(deps, row);
    await deps.outbox.complete(row.id, decision);
    if (decision.status === "sent") {
      result.sent++;
    } else if (decision.status === "retry") {
      result.retried++;
    } else if (decision.status === "deferred") {
      result.deferred++;
    } else if (decision.status === "skipped") {
      result.skipped++;
    } else {
      result.failed++;
    }
  }
  return result;
}

async function runEffect(deps: DispatchDeps, row: OutboxRow): Promise<OutboxDecision> {
  try {
    switch (row.effectType) {
      case "sendSms":
        return await sendSms(deps, row);
      case "notifyStaff":
        return await notifyStaff(deps, row);
      case "updateStaffNotice":
        return await updateStaffNotice(deps, row);
      default:
        return {
          status: "failed",
          at: deps.clock.now(),
          error: `No dispatcher for effect type "${row.effectType}"`,
        };
    }
  } catch (thrown) {
    const error = toAppError(thrown);
    const at = deps.clock.now();
    deps.logger.warn(
      { outboxId: row.id, effectType: row.effectType, code: error.code, err: error.message },
      "effect failed",
    );
    const providerCode = Number(error.context?.providerCode);
    if (row.effectType === "sendSms" && Number.isInteger(providerCode) && providerCode > 0) {
      await reactToRefusal(deps, row, providerCode, at);
    }
    if (row.effectType === "sendSms" && error.retryable) {
      // The provider may have accepted the text before the failure (timeout, reset, 5xx):
      // stay `sending` so reconciliation asks it before anything is sent again.
      return { status: "still_unknown", at, error: error.message };
    }
    if (error.retryable && row.attempts < deps.maxAttempts) {
      return {
        status: "retry",
        at,
        retryAt: new Date(at.getTime() + retryDelayMs(row.attempts)),
        error: error.message,
      };
    }
    return { status: "failed", at, error: error.message };
  }
}

/** Thread states in which a bot reminder may still go out when its turn comes. */
const REMINDER_STATES = new Set(["active", "onPlan"]);
const CAP_LOOKBACK_MS = 8 * 86_400_000;
/** Stripe metadata holds the invoice ids of a link: at most this many per link. */
const MAX_LINKED_INVOICES = 15;

function invoiceIdsOf(params: SendSmsParams): string[] {
  return (params.vars.invoiceIds ?? "").split(",").filter((id) => id !== "");
}

/** The invoices a text names: the ones it was planned for that are still open, else all open. */
function invoicesToName(params: SendSmsParams, facts: SendFacts) {
  const named = invoiceIdsOf(params);
  return (named.length > 0 ? facts.invoices : facts.openInvoices).filter(
    (invoice) => invoice.status === "open" && invoice.balanceMinor > 0,
  );
}

/**
 * A ladder reminder worded for the day it actually goes out: one held back by a gate (the
 * window closing, a cap) to a later day must not say "due today" about yesterday. The same
 * rule the ladder applied on the day it planned (`reminderTemplateFor`), on the send day in
 * the customer's zone, for the oldest invoice the text names.
 */
function wordedForSendDay(
  params: SendSmsParams,
  facts: SendFacts,
  phone: string,
  now: Date,
): SendSmsParams {
  const template = params.template;
  if (!isReminderTemplate(template)) {
    return params;
  }
  const oldestDue = invoicesToName(params, facts)
    .map((invoice) => invoice.dueDate)
    .sort()[0];
  if (oldestDue === undefined) {
    return params;
  }
  const { timeZone } = recipientLocation({
    e164: phone,
    timeZone: facts.customer?.timeZone ?? null,
    region: facts.customer?.region ?? null,
  });
  const worded = reminderTemplateFor(template, daysBetween(oldestDue, localDateOf(now, timeZone)));
  return worded === template ? params : { ...params, template: worded };
}

async function loadSendFacts(deps: DispatchDeps, row: OutboxRow, params: SendSmsParams) {
  if (!row.threadId) {
    throw new AppError("VALIDATION_FAILED", "sendSms effect has no thread", {
      context: { outboxId: row.id },
    });
  }
  const facts = await deps.outbox.sendFacts(
    row.threadId,
    invoiceIdsOf(params),
    new Date(deps.clock.now().getTime() - CAP_LOOKBACK_MS),
  );
  if (!facts) {
    throw new AppError("NOT_FOUND", `Thread ${row.threadId} not found`);
  }
  return { facts, threadId: row.threadId, settings: parseCompanySettings(facts.settings) };
}

/** A plan's texts link to one installment: the first with the confirmation, then each due one. */
function installmentOf(params: SendSmsParams): {
  installment?: { number: number; amountMinor: number };
} {
  const vars = params.vars;
  const amountMinor = Number(vars.firstAmountMinor ?? vars.amountMinor);
  const number = vars.firstAmountMinor !== undefined ? 1 : Number(vars.installment);
  return (params.template === "reply.plan_confirm" || params.template === "reminder.installment") &&
    Number.isSafeInteger(amountMinor) &&
    amountMinor > 0 &&
    Number.isSafeInteger(number) &&
    number > 0
    ? { installment: { number, amountMinor } }
    : {};
}

/** The text exactly as it will leave: vars formatted for the language, pay link issued. */
async function reactToRefusal(
  deps: DispatchDeps,
  row: OutboxRow,
  code: number,
  at: Date,
): Promise<void> {
  if (!deps.onDeliveryError || !row.threadId) {
    return;
  }
  const target = await deps.outbox.threadPhone(row.threadId);
  try {
    await deps.onDeliveryError({
      companyId: row.companyId,
      phone: target?.phone ?? "",
      threadId: row.threadId,
      code,
      at,
      reference: row.id,
    });
  } catch (thrown) {
    deps.logger.error(
      { outboxId: row.id, code, err: toAppError(thrown).message },
      "could not react to a refused send",
    );
  }
}

async function renderSms(
  deps: DispatchDeps,
  row: OutboxRow,
  params: SendSmsParams,
  facts: SendFacts,
  settings: CompanySettings,
) {
  const invoices = invoicesToName(params, facts);
  const wantsPayLink =
    deps.payLinks &&
    invoices.length > 0 &&
    deps.templates.variables(params.template, params.language).includes("payLink");
  const payLink =
    wantsPayLink && deps.payLinks && row.threadId
      ? (
          await deps.payLinks.issue({
            companyId: row.companyId,
            threadId: row.threadId,
            invoiceIds: invoices.slice(0, MAX_LINKED_INVOICES).map((invoice) => invoice.id),
            seed: row.id,
            now: deps.clock.now(),
            validityDays: settings.payLinkValidityDays,
            ...installmentOf(params),
          })
        ).url
      : null;
  const wantsCopyLink =
    deps.copyLinks &&
    deps.templates.variables(params.template, params.language).includes("copyLink");
  // A copy can be asked for after paying: the open invoices, else the ones the text names,
  // else the customer's latest (the page shows them as paid).
  const copied =
    [invoices, facts.invoices, facts.recentInvoices]
      .find((candidates) => candidates.length > 0)
      ?.slice(0, MAX_LINKED_INVOICES) ?? [];
  const copyLink =
    wantsCopyLink && deps.copyLinks && row.threadId && copied.length > 0
      ? (
          await deps.copyLinks.issue({
            companyId: row.companyId,
            threadId: row.threadId,
            invoiceIds: copied.map((invoice) => invoice.id),
            seed: row.id,
            now: deps.clock.now(),
          })
        ).url
      : null;
  const messageFacts: MessageFacts = {
    businessName: facts.companyName,
    contactPhone: settings.contact.phone,
    contactEmail: settings.contact.email,
    // A copy names the invoices it links to; everything else the open ones.
    invoices: (copyLink ? copied : invoices).map((invoice) => ({
      number: invoice.number,
      balanceMinor: invoice.balanceMinor,
      currency: invoice.currency,
      dueDate: invoice.dueDate,
    })),
    payLink,
    copyLink,
    machineVars: params.vars,
  };
  return deps.templates.render(
    params.template,
    params.language,
    messageVars(messageFacts, params.language),
  );
}

/**
 * The send gates, asked right before the provider call (REQ-06): a reminder goes only to a
 * thread that still wants it, for invoices still open, to a consenting mobile number, inside
 * the window and the caps. Replies go at any hour but never to an opted-out number, except
 * compliance texts (the STOP confirmation itself, HELP).
 */
async function gate(
  deps: DispatchDeps,
  row: OutboxRow,
  params: SendSmsParams,
  facts: SendFacts,
  settings: CompanySettings,
): Promise<{ decision: OutboxDecision } | { validityPeriodSeconds?: number }> {
  const at = deps.clock.now();
  if (params.kind !== "reminder") {
    if (params.kind !== "compliance" && facts.phone?.consent === "opted_out") {
      return { decision: { status: "skipped", at, reason: "opted_out" } };
    }
    return {};
  }
  if (!REMINDER_STATES.has(facts.threadState)) {
    return { decision: { status: "skipped", at, reason: `thread_${facts.threadState}` } };
  }
  const named = invoiceIdsOf(params);
  if (
    named.length > 0 &&
    !facts.invoices.some((invoice) => invoice.status === "open" && invoice.balanceMinor > 0)
  ) {
    return { decision: { status: "skipped", at, reason: "paid" } };
  }
  const phone = facts.phone;
  if (!phone) {
    return { decision: { status: "skipped", at, reason: "no_phone" } };
  }
  let decision = decideReminderGate(gateInput(facts, phone, settings, at));
  if (decision.kind === "lookup") {
    decision = await lookUpLineType(deps, row, facts, phone, settings, at);
  }
  switch (decision.kind) {
    case "send":
      return { validityPeriodSeconds: decision.validityPeriodSeconds };
    case "defer":
      return {
        decision: { status: "deferred", at, until: decision.until, reason: decision.reason },
      };
    case "skip":
      if (decision.reason === "landline" && row.threadId) {
        await deps.outbox.raiseStaffTask({
          companyId: row.companyId,
          threadId: row.threadId,
          reason: "landline",
          text: `${phone.e164} is a landline: it cannot receive texts. Reach the customer another way or add a mobile number.`,
          at,
        });
      }
      return { decision: { status: "skipped", at, reason: decision.reason } };
    case "lookup":
      // A lookup that could not settle the type: allowed with monitoring (REQ-36).
      return {};
  }
}

function gateInput(
  facts: SendFacts,
  phone: NonNullable<SendFacts["phone"]>,
  settings: CompanySettings,
  now: Date,
) {
  return {
    now,
    settings,
    phone,
    customer: {
      timeZone: facts.customer?.timeZone ?? null,
      region: facts.customer?.region ?? null,
    },
    companySendingPausedReason: facts.sendingPausedReason,
    reminderSentAt: facts.reminderSentAt,
  };
}

/** Asks the provider what kind of line this is, stores it, and decides again with it. */
async function lookUpLineType(
  deps: DispatchDeps,
  row: OutboxRow,
  facts: SendFacts,
  phone: NonNullable<SendFacts["phone"]>,
  settings: CompanySettings,
  now: Date,
): Promise<ReminderGateDecision> {
  // With no lookup configured, or a failed one, the type stays unknown: allowed with
  // monitoring (REQ-36), and asked again at the next check.
  let lineType: "mobile" | "landline" | "voip" | "unknown" = "unknown";
  let invalid = false;
  if (deps.lineTypes) {
    try {
      const result = await deps.lineTypes.lookup(phone.e164);
      invalid = !result.valid;
      lineType = result.lineType === "other" ? "unknown" : result.lineType;
      await deps.outbox.recordLineType(row.companyId, phone.e164, { lineType, invalid }, now);
    } catch (thrown) {
      deps.logger.warn(
        { outboxId: row.id, err: toAppError(thrown).message },
        "line type lookup failed; sending with monitoring",
      );
    }
  }
  return decideReminderGate(
    gateInput(
      facts,
      {
        ...phone,
        lineType,
        lineTypeCheckedAt: now,
        smsBlockedReason: invalid ? "invalid_number" : phone.smsBlockedReason,
      },
      settings,
      now,
    ),
  );
}

async function sendSms(deps: DispatchDeps, row: OutboxRow): Promise<OutboxDecision> {
  const params = row.payload as unknown as SendSmsParams;
  const { facts, threadId, settings } = await loadSendFacts(deps, row, params);
  const gated = await gate(deps, row, params, facts, settings);
  if ("decision" in gated) {
    deps.logger.info(
      { outboxId: row.id, template: params.template, outcome: gated.decision },
      "text held back by a send gate",
    );
    return gated.decision;
  }
  const to = facts.phone?.e164 ?? facts.threadPhone;
  const worded = wordedForSendDay(params, facts, to, deps.clock.now());
  const rendered = await renderSms(deps, row, worded, facts, settings);
  if (deps.throttle) {
    const allowed = deps.throttle.take(row.companyId, rendered.segments, deps.clock.now());
    if (!allowed.ok) {
      return {
        status: "deferred",
        at: deps.clock.now(),
        until: allowed.retryAt,
        reason: allowed.reason,
      };
    }
  }
  await deps.outbox.recordAttempt(row.id, { to, body: rendered.body });
  const sent = await deps.sms.send({
    companyId: row.companyId,
    to,
    body: rendered.body,
    reference: row.id,
    ...(gated.validityPeriodSeconds === undefined
      ? {}
      : { validityPeriodSeconds: gated.validityPeriodSeconds }),
  });
  const at = deps.clock.now();
  // The text is out: nothing after this point may turn the row into a retry.
  await recordMessage(deps, {
    companyId: row.companyId,
    threadId,
    outboxId: row.id,
    kind: params.kind,
    template: worded.template,
    language: params.language,
    body: rendered.body,
    segments: rendered.segments,
    encoding: rendered.encoding,
    to,
    providerMessageId: sent.providerMessageId,
    status: sent.status,
    at,
  });
  return { status: "sent", at, providerRef: sent.providerMessageId };
}

async function recordMessage(
  deps: DispatchDeps,
  message: Parameters<OutboxStore["recordOutboundMessage"]>[0],
): Promise<void> {
  try {
    await deps.outbox.recordOutboundMessage(message);
  } catch (error) {
    deps.logger.error(
      { outboxId: message.outboxId, err: error instanceof Error ? error.message : String(error) },
      "text sent but its message row was not recorded",
    );
  }
}

async function notifyStaff(deps: DispatchDeps, row: OutboxRow): Promise<OutboxDecision> {
  const params = row.payload as unknown as NotifyStaffParams & { taskId: string };
  const { ref } = await deps.notifier.notify(await staffNotice(deps, row, params));
  return { status: "sent", at: deps.clock.now(), providerRef: ref };
}

/** How long a redraw waits for its task's first notice, still queued, to be posted. */
const NOTICE_NOT_POSTED_YET_MS = 30_000;

/**
 * Redraws a task's posted notice with the state a staff event gave it. The post is found
 * now, not when the event queued this row: the notice may have been posted since. Redrawing
 * is idempotent (the same blocks again), so a retried or reconciled row does no harm; an older
 * redraw that comes due after a newer one is skipped, so the post never goes back in time.
 */
async function updateStaffNotice(deps: DispatchDeps, row: OutboxRow): Promise<OutboxDecision> {
  const params = row.payload as unknown as UpdateStaffNoticePayload;
  const at = deps.clock.now();
  if (!row.threadId) {
    return { status: "skipped", at, reason: "a staff notice redraw needs its thread" };
  }
  const post = await deps.outbox.staffNoticePost(row.threadId, params.taskId, params.version);
  if (post.superseded) {
    return { status: "skipped", at, reason: "a later redraw of this notice is queued" };
  }
  const original = post.notice;
  if (!original || original.status === "failed" || original.status === "skipped") {
    return { status: "skipped", at, reason: "the task's notice was never posted" };
  }
  if (original.status !== "sent" || !original.providerRef) {
    return {
      status: "deferred",
      at,
      until: new Date(at.getTime() + NOTICE_NOT_POSTED_YET_MS),
      reason: "the task's notice is not posted yet",
    };
  }
  const notice = await staffNotice(deps, row, {
    ...(original.payload as unknown as NotifyStaffParams),
    taskId: params.taskId,
  });
  await deps.notifier.updateNotice(original.providerRef, notice, {
    state: params.state,
    by: params.by,
  });
  return { status: "sent", at: deps.clock.now(), providerRef: original.providerRef };
}

/** An `updateStaffNotice` row, as thread-change-sql.ts writes it. */
interface UpdateStaffNoticePayload {
  taskId: string;
  state: StaffNoticeState;
  by: string;
  /** The thread's version after the event: later events redraw over earlier ones. */
  version: number;
}

/** A task's notice with the thread as it is now (customer, open invoices, last texts). */
async function staffNotice(
  deps: DispatchDeps,
  row: OutboxRow,
  params: NotifyStaffParams & { taskId: string },
): Promise<StaffNotice> {
  const target = row.threadId ? await deps.outbox.threadPhone(row.threadId) : null;
  let facts: StaffNoticeFacts | null = null;
  try {
    facts = row.threadId ? ((await deps.noticeFacts?.factsFor(row.threadId)) ?? null) : null;
  } catch (error) {
    // A notice without the thread's facts still reaches staff; one held back by them might not.
    deps.logger.warn(
      { outboxId: row.id, err: error instanceof Error ? error.message : String(error) },
      "staff notice posted without the thread's facts",
    );
  }
  return {
    companyId: row.companyId,
    threadId: row.threadId ?? "",
    taskId: params.taskId,
    reason: params.reason,
    phone: target?.phone ?? "",
    ...(params.text === undefined ? {} : { text: params.text }),
    ...(facts?.customerName ? { customerName: facts.customerName } : {}),
    ...(facts ? { invoices: facts.invoices, lastMessages: facts.lastMessages } : {}),
  };
}

/**
 * A row left `sending` may or may not have reached the provider. Ask the provider before
 * doing anything: a duplicated dunning text is worse than a late one.
 */
async function reconcile(deps: DispatchDeps, row: OutboxRow): Promise<OutboxDecision> {
  const at = deps.clock.now();
  if (row.effectType !== "sendSms") {
    // Staff notices are keyed by task; a repeated notice is harmless, a lost one is not.
    return { status: "requeue", at, note: "re-queued after an interrupted attempt" };
  }
  try {
    if (!row.attempt) {
      // Claimed but never handed to the provider: nothing can have been sent.
      return { status: "requeue", at, note: "interrupted before the provider call; re-queued" };
    }
    const params = row.payload as unknown as SendSmsParams;
    const threadId = row.threadId;
    if (!threadId) {
      return { status: "failed", at, error: "sendSms effect has no thread" };
    }
    const { to, body } = row.attempt;
    const found = await deps.sms.findSent({
      companyId: row.companyId,
      to,
      body,
      since: row.createdAt,
    });
    if (!found) {
      deps.logger.info(
        { outboxId: row.id },
        "interrupted send never reached the provider; re-queued",
      );
      return { status: "requeue", at, note: "provider has no such message; re-queued" };
    }
    await deps.outbox.recordOutboundMessage({
      companyId: row.companyId,
      threadId,
      outboxId: row.id,
      kind: params.kind,
      template: params.template,
      language: params.language,
      body,
      to,
      providerMessageId: found.providerMessageId,
      status: found.status,
      at,
    });
    deps.logger.info(
      { outboxId: row.id },
      "interrupted send had reached the provider; marked sent",
    );
    return {
      status: "sent",
      at,
      providerRef: found.providerMessageId,
      result: { reconciled: true },
    };
  } catch (thrown) {
    const error = toAppError(thrown);
    // Only a provider we could not reach leaves the question open; anything else (a template
    // gone, a thread deleted) will not improve by asking again.
    return error.retryable
      ? { status: "still_unknown", at, error: error.message }
      : { status: "failed", at, error: `could not reconcile: ${error.message}` };
  }
}
