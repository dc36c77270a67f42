import { z } from "zod";
import type { ThreadInput } from "../../machines/thread.context.js";
import type { ThreadEvent } from "../../machines/thread.events.js";
import { AppError } from "../domain/errors.js";
import { recipientLocation } from "../domain/recipient-location.js";
import { classifyReply } from "../understanding/classify-reply.js";
import { advanceThread, type ThreadStep } from "./apply-thread-event.js";
import type { Clock, EffectContext, LockedThread, Logger, NewInboundEvent } from "./ports.js";
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
  /** Set by our webhook route when it masked a card number in Body (REQ-57). */
  CardNumberRedacted: z.literal("true").optional(),
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
    const event = customerTextEvent(sms, sender.customer, now);
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
    logUnderstood(deps.logger, sms.MessageSid, event);
    return undefined;
  };
}

type InboundSms = z.infer<typeof twilioInboundSms>;

/**
 * The text as the thread machine takes it: classified in the customer's own time zone (their
 * address, else their number's area code), a bare number read as a menu choice.
 */
export function customerTextEvent(
  sms: InboundSms,
  customer: CustomerTextSender["customer"],
  now: Date,
): Extract<ThreadEvent, { type: "sms.received" }> {
  const location = recipientLocation({
    e164: sms.From,
    timeZone: customer?.timeZone ?? null,
    region: customer?.region ?? null,
  });
  const understood = classifyReply(sms.Body, { now, timeZone: location.timeZone });
  const choice = BARE_CHOICE.exec(sms.Body)?.[1];
  return {
    type: "sms.received",
    at: now.toISOString(),
    text: sms.Body,
    intent: understood.intent,
    language: understood.language,
    promiseDate: understood.intent === "PROMISE" ? (understood.promiseDate ?? null) : null,
    choice: choice === undefined ? null : Number(choice),
    carrierConfirmedOptOut: sms.OptOutType === "STOP",
    cardNumberRedacted: sms.CardNumberRedacted === "true",
  };
}

function logUnderstood(
  logger: Logger,
  messageSid: string,
  event: Extract<ThreadEvent, { type: "sms.received" }>,
): void {
  logger.info(
    { messageSid, intent: event.intent, language: event.language },
    "customer text understood",
  );
}

// ---------------------------------------------------------------------------------------
// The usual case, in two statements: a text from a known customer whose thread exists is
// stored and read in one round trip, and applied to the thread in one more (snapshot,
// effects, the event marked processed, the text in the history), optimistically at the
// version read. Anything else (an unknown number, no thread yet, a concurrent change to the
// thread, an error) continues on the general path above from the stored event.

/** What applying a fresh text needs, read together with storing it. */
export interface CustomerTextTarget {
  thread: LockedThread;
  input: ThreadInput;
  customer: CustomerTextSender["customer"];
}

export type StoredCustomerText =
  | { status: "duplicate"; eventId: string }
  | { status: "stored"; eventId: string; target: CustomerTextTarget | null };

export interface FreshCustomerTextStore {
  /**
   * Stores the text as a `twilio.sms` inbound event (once per MessageSid), not to be picked up
   * by retries before `leaseUntil`, and reads its sender's thread and what the machine needs.
   */
  storeAndRead(text: {
    messageSid: string;
    from: string;
    payload: Record<string, string>;
    receivedAt: Date;
    leaseUntil: Date;
  }): Promise<StoredCustomerText>;
  /** Applies the change if the thread is still at the version read; false if it moved on. */
  apply(change: ThreadChangeWithText): Promise<boolean>;
}

export interface ThreadChangeWithText {
  thread: LockedThread;
  step: ThreadStep;
  context: EffectContext;
  eventId: string;
  text: { body: string; from: string; to: string; providerMessageId: string };
}

export interface AcceptCustomerTextDeps {
  store: FreshCustomerTextStore;
  /** Stores an event the fast path cannot take and processes it (receiveInboundEvent). */
  receive(event: Omit<NewInboundEvent, "receivedAt">): Promise<InboundOutcome & { id?: string }>;
  /** Processes an already stored event on the general path (processInboundEvent). */
  process(id: string, fresh: { type: string; payload: unknown }): Promise<InboundOutcome>;
  clock: Clock;
  logger: Logger;
}

/**
 * While the fast path works on a stored text, the inbound retry pass leaves it alone; after
 * a crash it is picked up this much later.
 */
const FRESH_TEXT_LEASE_MS = 30_000;

/** Receives a `twilio.sms` webhook event: the fast path when it can, else the general one. */
export function acceptCustomerText(
  deps: AcceptCustomerTextDeps,
): (event: Omit<NewInboundEvent, "receivedAt">) => Promise<InboundOutcome & { id?: string }> {
  return async (event) => {
    const parsed = twilioInboundSms.safeParse(event.payload);
    if (!parsed.success) {
      // Stored and rejected with its reason by the general path.
      return deps.receive(event);
    }
    const sms = parsed.data;
    const now = deps.clock.now();
    const stored = await deps.store.storeAndRead({
      messageSid: event.externalId,
      from: sms.From,
      payload: event.payload as Record<string, string>,
      receivedAt: now,
      leaseUntil: new Date(now.getTime() + FRESH_TEXT_LEASE_MS),
    });
    if (stored.status === "duplicate") {
      return { status: "duplicate", id: stored.eventId };
    }
    const fresh = { type: event.type, payload: event.payload };
    const general = async () => ({
      ...(await deps.process(stored.eventId, fresh)),
      id: stored.eventId,
    });
    const { target } = stored;
    if (target === null) {
      return general();
    }
    try {
      const textEvent = customerTextEvent(sms, target.customer, now);
      const step = advanceThread(target.thread, target.input, textEvent, now);
      const applied = await deps.store.apply({
        thread: target.thread,
        step,
        context: { at: now, causationId: stored.eventId },
        eventId: stored.eventId,
        text: { body: sms.Body, from: sms.From, to: sms.To, providerMessageId: sms.MessageSid },
      });
      if (!applied) {
        return general();
      }
      logUnderstood(deps.logger, sms.MessageSid, textEvent);
      return {
        status: "processed",
        threadId: target.thread.id,
        state: step.save.state,
        version: step.save.version,
        id: stored.eventId,
      };
    } catch (error) {
      // The stored event is intact: the general path retries, rejects or dead-letters it.
      deps.logger.warn(
        { messageSid: sms.MessageSid, err: error instanceof Error ? error.message : String(error) },
        "fast path failed; continuing on the general path",
      );
      return general();
    }
  };
}
