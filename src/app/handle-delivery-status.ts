import { z } from "zod";
import type { ThreadEventInput } from "../../machines/thread.events.js";
import {
  DELIVERY_ERRORS_VERSION,
  type DeliveryErrorRule,
  deliveryErrorRule,
} from "../domain/delivery-errors.js";
import { AppError } from "../domain/errors.js";
import type { DeliveryStore, DeliveryUnitOfWork, TrackedMessage } from "./delivery-store-port.js";
import type { Clock, Logger, NewInboundEvent } from "./ports.js";
import type { InboundHandler } from "./process-inbound-event.js";

// What happens when Twilio reports on a text (REQ-48) or refuses one: the message row follows
// the status forward only, and a delivery error gets the reaction compliance.md §4 names
// (src/domain/delivery-errors.ts). The dispatcher calls `reactToDeliveryError` for errors the
// send call itself returned; status callbacks reach it through `deliveryStatusHandler`.

export interface DeliveryDeps {
  store: DeliveryStore;
  /** Stores and processes an inbound event (`receiveInboundEvent`): how thread events are sent. */
  submit(event: Omit<NewInboundEvent, "receivedAt">): Promise<unknown>;
  /** The send throttle (src/app/send-throttle.ts): 30022 halves its rate for ten minutes. */
  throttle: { onRateLimited(now: Date): void };
  logger: Logger;
}

export interface DeliveryErrorReport {
  companyId: string;
  /** The recipient (E.164): the thread's phone. */
  phone: string;
  threadId: string | null;
  code: number;
  at: Date;
  /**
   * The message sid, when Twilio reported the error on a status callback: the reaction is then
   * applied once per message, however often the callback comes.
   */
  providerMessageId?: string;
  /** Our outbox id, when the send call itself was refused (kept on alerts, keys the opt-out). */
  reference?: string;
}

export interface DeliveryReactionOutcome {
  rule: DeliveryErrorRule;
  /** False when this message's error had already been reacted to (a repeated callback). */
  applied: boolean;
  /** Staff tasks opened by this reaction. */
  taskIds: string[];
}

/** Twilio's statuses in the order a message moves through them; finals never move back. */
const STATUS_RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 0,
  sending: 1,
  sent: 2,
  partially_delivered: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  read: 5,
};
const FIRST_FINAL_RANK = 4;
const FAILURE_STATUSES = new Set(["failed", "undelivered"]);

/** Whether a message in `current` may move to `next`: forward only, and never off a final status. */
export function statusAdvances(current: string, next: string): boolean {
  const from = STATUS_RANK[current];
  const to = STATUS_RANK[next];
  if (to === undefined) {
    return false;
  }
  if (from === undefined) {
    return true;
  }
  if (from >= FIRST_FINAL_RANK) {
    // Only "read" follows a final status (delivered, then read).
    return current === "delivered" && next === "read";
  }
  return to > from;
}

/**
 * Applies the §4 reaction to a delivery error. Every reaction is idempotent: a repeated
 * callback for the same message changes nothing, and the state-changing ones (block a number,
 * pause a company) act only on the first occurrence.
 */
export async function reactToDeliveryError(
  deps: DeliveryDeps,
  report: DeliveryErrorReport,
): Promise<DeliveryReactionOutcome> {
  const rule = deliveryErrorRule(report.code);
  const outcome = await deps.store.inTransaction(async (uow) => {
    if (report.providerMessageId !== undefined) {
      const message = await uow.lockMessage(report.providerMessageId);
      if (message?.errorCode === String(report.code)) {
        return { applied: false, taskIds: [] };
      }
      if (message) {
        await uow.setMessageError(message.id, String(report.code), report.at);
      }
    }
    return { applied: true, taskIds: await applyReaction(uow, rule, report) };
  });

  if (outcome.applied) {
    deps.logger.warn(
      {
        companyId: report.companyId,
        threadId: report.threadId,
        providerCode: report.code,
        reaction: rule.reaction.type,
        messageSid: report.providerMessageId ?? null,
        outboxId: report.reference ?? null,
      },
      rule.class === "unmapped"
        ? "Twilio error with no rule: not retried, operator alerted"
        : "Twilio delivery error handled",
    );
    if (rule.reaction.type === "slow_down") {
      deps.throttle.onRateLimited(report.at);
    }
  }
  if (rule.reaction.type === "opt_out") {
    // Always (not only when applied): the event is keyed, so a crash between the transaction
    // above and this call is repaired by the retry, and a repeat is a stored duplicate.
    await submitCarrierOptOut(deps, report);
  }
  return { rule, ...outcome };
}

async function applyReaction(
  uow: DeliveryUnitOfWork,
  rule: DeliveryErrorRule,
  report: DeliveryErrorReport,
): Promise<string[]> {
  const { companyId, phone, at } = report;
  const reaction = rule.reaction;
  const alert = async (reason: string, text: string) => {
    const { taskId } = await uow.createStaffAlert({
      companyId,
      threadId: report.threadId,
      reason,
      text,
      details: {
        providerCode: rule.code,
        errorName: rule.name,
        errorClass: rule.class,
        rulesVersion: DELIVERY_ERRORS_VERSION,
        messageSid: report.providerMessageId ?? null,
        outboxId: report.reference ?? null,
      },
      causationId: report.providerMessageId ?? report.reference ?? null,
      at,
    });
    return [taskId];
  };
  const codeLabel = `Twilio ${rule.code} (${rule.name})`;

  switch (reaction.type) {
    case "opt_out": {
      const state = await uow.lockPhone(companyId, phone);
      const known =
        state?.consent === "opted_out" || (await uow.hasRecordedOptOut(companyId, phone));
      if (report.threadId !== null) {
        await uow.skipQueuedTexts(report.threadId, `recipient opted out (${rule.code})`, at);
      }
      // The ledger row and the phone's consent come from the thread machine's opt-out
      // (consent.revoked, source carrier), submitted after this transaction.
      return known
        ? []
        : alert(
            "missed_opt_out",
            `${codeLabel}: the customer had opted out at the carrier and we had no record of it. The number is now opted out; check how the opt-out was missed.`,
          );
    }
    case "block_number": {
      const state = await uow.lockPhone(companyId, phone);
      if (state?.smsBlockedReason) {
        return [];
      }
      if (state) {
        await uow.updatePhone(companyId, phone, { smsBlockedReason: reaction.reason }, at);
      }
      return alert(
        "fix_phone",
        `${codeLabel}: this number cannot receive texts; no more texts go to it. Please find a mobile number for the customer.`,
      );
    }
    case "count_unreachable": {
      const state = await uow.lockPhone(companyId, phone);
      if (!state || state.undeliverable) {
        return [];
      }
      const failures = state.deliveryFailures + 1;
      if (failures < 2) {
        await uow.updatePhone(companyId, phone, { deliveryFailures: failures }, at);
        // The handset may be off for a while: a reminder is planned again (within the window
        // and the caps, so not before tomorrow), once; a second failure stops texting.
        if (report.providerMessageId !== undefined) {
          await uow.replanExpiredReminder(report.providerMessageId, at);
        }
        return [];
      }
      await uow.updatePhone(
        companyId,
        phone,
        {
          deliveryFailures: failures,
          undeliverable: true,
          smsBlockedReason: state.smsBlockedReason ?? "unreachable",
        },
        at,
      );
      return alert(
        "fix_phone",
        `${codeLabel} twice in a row: the number is marked undeliverable and gets no more texts. Please confirm the customer's number.`,
      );
    }
    case "alert_filtered":
      return alert(
        "message_filtered",
        `${codeLabel}: the carrier filtered a text as spam or policy. It is not sent again; review the template's wording and links.`,
      );
    case "pause_sending": {
      const company = await uow.lockCompany(companyId);
      if (!company || company.sendingPausedAt) {
        return [];
      }
      await uow.pauseSending(companyId, `${reaction.reason} (${rule.code})`, at);
      return alert(
        "sending_paused",
        `${codeLabel}: Twilio refuses our sender, so all texting for this company is paused. Fix the Messaging Service's A2P registration, then resume sending.`,
      );
    }
    case "alert_operator":
      return alert(
        "unmapped_delivery_error",
        `Twilio error ${rule.code} has no rule in duetext: the text is not retried. See https://www.twilio.com/docs/api/errors/${rule.code} and add it to the delivery-error table.`,
      );
    case "replan_reminder":
      if (report.providerMessageId !== undefined) {
        await uow.replanExpiredReminder(report.providerMessageId, at);
      }
      return [];
    case "slow_down":
    case "none":
      return [];
  }
}

async function submitCarrierOptOut(deps: DeliveryDeps, report: DeliveryErrorReport) {
  const key =
    report.providerMessageId ??
    report.reference ??
    `${report.companyId}:${report.phone}:${report.at.toISOString()}`;
  const event: ThreadEventInput = {
    type: "consent.revoked",
    at: report.at.toISOString(),
    source: "carrier",
  };
  await deps.submit({
    provider: "twilio",
    externalId: `carrier-opt-out:${key}`,
    type: "thread.event",
    companyId: report.companyId,
    payload: { companyId: report.companyId, phone: report.phone, event },
  });
}

const statusCallback = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  // Twilio sends ErrorCode only on failures; an empty value means none.
  ErrorCode: z.string().optional(),
});

export interface DeliveryStatus {
  providerMessageId: string;
  status: string;
  errorCode: number | null;
}

export interface DeliveryStatusOutcome {
  message: TrackedMessage;
  /** Whether the message row took the new status (false for a late or repeated callback). */
  statusChanged: boolean;
  reaction: DeliveryReactionOutcome | null;
}

/**
 * One status callback: the message row moves forward (never back from a final status), a
 * delivery resets the number's consecutive-failure count, and a failure with an ErrorCode
 * gets its reaction. A callback that beat the dispatcher's write of the message row fails
 * retryably, so the pipeline tries it again once the row exists.
 */
export async function handleDeliveryStatus(
  deps: DeliveryDeps,
  callback: DeliveryStatus,
  at: Date,
): Promise<DeliveryStatusOutcome> {
  const { message, statusChanged } = await deps.store.inTransaction(async (uow) => {
    const found = await uow.lockMessage(callback.providerMessageId);
    if (!found) {
      throw new AppError(
        "NOT_FOUND",
        `No message recorded yet for Twilio message ${callback.providerMessageId}`,
        { retryable: true, context: { messageSid: callback.providerMessageId } },
      );
    }
    const changed = statusAdvances(found.status, callback.status);
    if (changed) {
      await uow.setMessageStatus(found.id, callback.status, at);
    }
    if (changed && callback.status === "delivered") {
      const phone = await uow.lockPhone(found.companyId, found.phone);
      if (phone && phone.deliveryFailures > 0) {
        await uow.updatePhone(found.companyId, found.phone, { deliveryFailures: 0 }, at);
      }
    }
    return { message: found, statusChanged: changed };
  });

  const code = FAILURE_STATUSES.has(callback.status) ? callback.errorCode : null;
  const reaction =
    code === null
      ? null
      : await reactToDeliveryError(deps, {
          companyId: message.companyId,
          phone: message.phone,
          threadId: message.threadId,
          code,
          at,
          providerMessageId: callback.providerMessageId,
        });
  return { message, statusChanged, reaction };
}

/** The `twilio.status` inbound handler (register it in the composition root). */
export function deliveryStatusHandler(deps: DeliveryDeps & { clock: Clock }): InboundHandler {
  return async (payload) => {
    const parsed = statusCallback.safeParse(payload);
    if (!parsed.success) {
      return { rejected: `Not a Twilio status callback: ${z.prettifyError(parsed.error)}` };
    }
    await handleDeliveryStatus(
      deps,
      {
        providerMessageId: parsed.data.MessageSid,
        status: parsed.data.MessageStatus,
        errorCode: /^\d+$/.test(parsed.data.ErrorCode ?? "") ? Number(parsed.data.ErrorCode) : null,
      },
      deps.clock.now(),
    );
    return undefined;
  };
}
