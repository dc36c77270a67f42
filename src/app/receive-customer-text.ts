import { z } from "zod";
import type { ThreadInput } from "../../machines/thread.context.js";
import type { ThreadEvent } from "../../machines/thread.events.js";
import { AppError } from "../domain/errors.js";
import { recipientLocation } from "../domain/recipient-location.js";
import { classifyReply } from "../understanding/classify-reply.js";
import { advanceThread, type ThreadStep } from "./apply-thread-event.js";
import type {
  Clock,
  EffectContext,
  InboundTextRecord,
  LockedThread,
  Logger,
  NewInboundEvent,
} from "./ports.js";
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
      payload: {
        companyId: sender.companyId,
        phone: sms.From,
        event,
        // Recorded in the thread's history with the change the text makes.
        message: { body: sms.Body, from: sms.From, to: sms.To, providerMessageId: sms.MessageSid },
      },
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
// read with that thread in one round trip and applied in one more, which stores the text as
// its inbound event together with the thread change (snapshot, effects, the text in the
// history), optimistically at the version read; a thread changed in between (the customer's
// previous text, a payment) is read again. Anything else (an unknown number, no thread yet,
// a thread that keeps moving, an error) goes the general way above.

/** What applying a fresh text needs. */
export interface CustomerTextTarget {
  thread: LockedThread;
  input: ThreadInput;
  customer: CustomerTextSender["customer"];
}

export type CustomerTextRead =
  | { status: "duplicate"; eventId: string }
  | { status: "new"; target: CustomerTextTarget | null };

export type AppliedCustomerText =
  | { outcome: "applied"; eventId: string }
  | { outcome: "not_applied" };

export interface FreshCustomerTextStore {
  /** Whether this MessageSid is already stored, and its sender's thread with the machine's input. */
  read(text: { messageSid: string; from: string }): Promise<CustomerTextRead>;
  /**
   * Stores the text with the change if the thread is still at the version read and the
   * MessageSid not stored yet; otherwise writes nothing (`not_applied`: read again).
   */
  apply(change: ThreadChangeWithText): Promise<AppliedCustomerText>;
}

export interface ThreadChangeWithText {
  thread: LockedThread;
  step: ThreadStep;
  context: EffectContext;
  /** The webhook's form as stored for a `twilio.sms` event. */
  payload: Record<string, unknown>;
  text: InboundTextRecord;
}

export interface AcceptCustomerTextDeps {
  store: FreshCustomerTextStore;
  /** Stores an event and processes it on the general path (receiveInboundEvent). */
  receive(event: Omit<NewInboundEvent, "receivedAt">): Promise<InboundOutcome & { id?: string }>;
  clock: Clock;
  logger: Logger;
}

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
    for (let attempt = 1; attempt <= FAST_PATH_ATTEMPTS; attempt++) {
      const read = await deps.store.read({ messageSid: event.externalId, from: sms.From });
      if (read.status === "duplicate") {
        return { status: "duplicate", id: read.eventId };
      }
      if (read.target === null) {
        break;
      }
      const applied = await applyFresh(deps, sms, read.target, event.payload);
      if (applied === "failed") {
        break;
      }
      if (applied !== "moved_on") {
        return applied;
      }
    }
    return deps.receive(event);
  };
}

/** Reads and writes a busy thread may need before the general path takes the text. */
const FAST_PATH_ATTEMPTS = 3;

async function applyFresh(
  deps: AcceptCustomerTextDeps,
  sms: InboundSms,
  target: CustomerTextTarget,
  payload: unknown,
): Promise<(InboundOutcome & { id?: string }) | "moved_on" | "failed"> {
  const now = deps.clock.now();
  try {
    const textEvent = customerTextEvent(sms, target.customer, now);
    const step = advanceThread(target.thread, target.input, textEvent, now);
    const applied = await deps.store.apply({
      thread: target.thread,
      step,
      context: { at: now, causationId: `sms:${sms.MessageSid}` },
      payload: payload as Record<string, unknown>,
      text: { body: sms.Body, from: sms.From, to: sms.To, providerMessageId: sms.MessageSid },
    });
    if (applied.outcome === "not_applied") {
      // The thread moved on, or the same text was stored meanwhile: the next read tells.
      return "moved_on";
    }
    logUnderstood(deps.logger, sms.MessageSid, textEvent);
    return {
      status: "processed",
      threadId: target.thread.id,
      state: step.save.state,
      version: step.save.version,
      id: applied.eventId,
    };
  } catch (error) {
    // Nothing was written (one statement): the general path stores the text and retries,
    // rejects or dead-letters it.
    deps.logger.warn(
      { messageSid: sms.MessageSid, err: error instanceof Error ? error.message : String(error) },
      "fast path failed; continuing on the general path",
    );
    return "failed";
  }
}
