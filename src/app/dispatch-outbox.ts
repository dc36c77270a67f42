import type { NotifyStaffParams, SendSmsParams } from "../../machines/thread.effects.js";
import { AppError, toAppError } from "../domain/errors.js";
import { retryDelayMs } from "./backoff.js";
import type {
  Clock,
  Logger,
  OutboxDecision,
  OutboxRow,
  OutboxStore,
  SmsSender,
  StaffNotifier,
  Templates,
} from "./ports.js";

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
}

export interface DispatchPassResult {
  sent: number;
  retried: number;
  failed: number;
  reconciled: number;
}

/**
 * One dispatcher pass: first reconcile rows a crashed worker left `sending`, then claim due
 * rows (SKIP LOCKED, marked `sending` before any provider call) and run each effect.
 */
export async function dispatchOutbox(
  deps: DispatchDeps,
  limit: number,
): Promise<DispatchPassResult> {
  const result: DispatchPassResult = { sent: 0, retried: 0, failed: 0, reconciled: 0 };
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

async function renderSms(deps: DispatchDeps, row: OutboxRow) {
  const params = row.payload as unknown as SendSmsParams;
  if (!row.threadId) {
    throw new AppError("VALIDATION_FAILED", "sendSms effect has no thread", {
      context: { outboxId: row.id },
    });
  }
  const target = await deps.outbox.threadPhone(row.threadId);
  if (!target) {
    throw new AppError("NOT_FOUND", `Thread ${row.threadId} not found`);
  }
  const rendered = deps.templates.render(params.template, params.language, {
    ...params.vars,
    businessName: target.companyName,
  });
  return { params, to: target.phone, body: rendered.body, threadId: row.threadId };
}

async function sendSms(deps: DispatchDeps, row: OutboxRow): Promise<OutboxDecision> {
  const { params, to, body, threadId } = await renderSms(deps, row);
  await deps.outbox.recordAttempt(row.id, { to, body });
  const sent = await deps.sms.send({ companyId: row.companyId, to, body, reference: row.id });
  const at = deps.clock.now();
  // The text is out: nothing after this point may turn the row into a retry.
  await recordMessage(deps, {
    companyId: row.companyId,
    threadId,
    outboxId: row.id,
    kind: params.kind,
    template: params.template,
    language: params.language,
    body,
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
  const target = row.threadId ? await deps.outbox.threadPhone(row.threadId) : null;
  const notice = {
    companyId: row.companyId,
    threadId: row.threadId ?? "",
    taskId: params.taskId,
    reason: params.reason,
    phone: target?.phone ?? "",
    ...(params.text === undefined ? {} : { text: params.text }),
  };
  const { ref } = await deps.notifier.notify(notice);
  return { status: "sent", at: deps.clock.now(), providerRef: ref };
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
    const { params, threadId } = await renderSms(deps, row);
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
