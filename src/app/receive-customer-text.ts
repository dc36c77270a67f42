import { z } from "zod";
import type { ThreadEventInput } from "../../machines/thread.events.js";
import { AppError } from "../domain/errors.js";
import { recipientLocation } from "../domain/recipient-location.js";
import { classifyReply } from "../understanding/classify-reply.js";
import type { Clock, Logger, NewInboundEvent } from "./ports.js";
import type { InboundHandler, InboundOutcome } from "./process-inbound-event.js";

// A customer's text, as Twilio delivered it (stored as `twilio.sms`), becomes what the thread
// machine understands: the reply classified in the customer's own time zone (intent,
// language, promised date), a bare number read as a menu choice, Twilio's own STOP handling
// noted. The classified event goes through the same store-then-process path as everything
// else, keyed by the MessageSid, so a redelivered text is applied once.

export interface CustomerTextSender {
  companyId: string;
  customer: { timeZone: string | null; region: string | null } | null;
}

export interface CustomerTextStore {
  /**
   * The company this number belongs to: the one whose customer has it (the most recently
   * active if several do), else the only company. Null when nobody can tell.
   */
  senderOf(from: string): Promise<CustomerTextSender | null>;
  /** The inbound message in its thread's history (once per MessageSid; no thread, no row). */
  recordInboundMessage(message: {
    companyId: string;
    body: string;
    from: string;
    to: string;
    providerMessageId: string;
    at: Date;
  }): Promise<void>;
}

export interface ReceiveCustomerTextDeps {
  store: CustomerTextStore;
  /** Store-then-process for the classified thread event (receiveInboundEvent). */
  submit(event: Omit<NewInboundEvent, "receivedAt">): Promise<InboundOutcome & { id?: string }>;
  clock: Clock;
  logger: Logger;
}

const twilioInboundSms = z.object({
  MessageSid: z.string().min(1),
  From: z.string().regex(/^\+[1-9]\d{6,14}$/, "an E.164 number"),
  To: z.string().min(1),
  Body: z.string(),
  /** Present when Twilio's Advanced Opt-Out matched the whole body (it replied itself). */
  OptOutType: z.enum(["STOP", "START", "HELP"]).optional(),
});

/** A reply that is only a small number ("2", "3.", " 1 ") is a choice from a menu we sent. */
const BARE_CHOICE = /^\s*#?([1-9])\s*[.)!]?\s*$/;

export function receiveCustomerText(deps: ReceiveCustomerTextDeps): InboundHandler {
  return async (payload) => {
    const parsed = twilioInboundSms.safeParse(payload);
    if (!parsed.success) {
      return { rejected: `Not a Twilio inbound SMS: ${z.prettifyError(parsed.error)}` };
    }
    const sms = parsed.data;
    const sender = await deps.store.senderOf(sms.From);
    if (!sender) {
      return { rejected: `No company knows ${sms.From}, and more than one company could` };
    }
    const now = deps.clock.now();
    const location = recipientLocation({
      e164: sms.From,
      timeZone: sender.customer?.timeZone ?? null,
      region: sender.customer?.region ?? null,
    });
    const understood = classifyReply(sms.Body, { now, timeZone: location.timeZone });
    const choice = BARE_CHOICE.exec(sms.Body)?.[1];
    const event: ThreadEventInput = {
      type: "sms.received",
      at: now.toISOString(),
      text: sms.Body,
      intent: understood.intent,
      language: understood.language,
      promiseDate: understood.intent === "PROMISE" ? (understood.promiseDate ?? null) : null,
      choice: choice === undefined ? null : Number(choice),
      carrierConfirmedOptOut: sms.OptOutType === "STOP",
    };
    const outcome = await deps.submit({
      provider: "twilio",
      externalId: `sms:${sms.MessageSid}`,
      type: "thread.event",
      companyId: sender.companyId,
      payload: { companyId: sender.companyId, phone: sms.From, event },
    });
    if (outcome.status === "retry" || outcome.status === "failed") {
      // Retried with the stored text: the classified event was stored and retries itself.
      deps.logger.warn(
        { messageSid: sms.MessageSid, outcome: outcome.status },
        "reply not applied yet",
      );
    }
    if (outcome.status === "rejected") {
      throw new AppError("VALIDATION_FAILED", `Reply could not be applied: ${outcome.reason}`);
    }
    if (outcome.status === "processed" || outcome.status === "duplicate") {
      await deps.store.recordInboundMessage({
        companyId: sender.companyId,
        body: sms.Body,
        from: sms.From,
        to: sms.To,
        providerMessageId: sms.MessageSid,
        at: now,
      });
    }
    deps.logger.info(
      {
        messageSid: sms.MessageSid,
        intent: understood.intent,
        language: understood.language,
        confidence: understood.confidence,
      },
      "customer text understood",
    );
    return undefined;
  };
}
