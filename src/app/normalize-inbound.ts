import { z } from "zod";
import { type ThreadEvent, threadEventSchema } from "../../machines/thread.events.js";
import type { InboundTextRecord, StoredInboundEvent, ThreadKey } from "./ports.js";

// Turns a stored inbound event into a thread event, or a clear reason why it cannot be one.
// Provider-specific types (Twilio SMS, Stripe, QuickBooks) register here as they arrive.

export type NormalizedInbound =
  | { ok: true; key: ThreadKey; event: ThreadEvent; message?: InboundTextRecord }
  | { ok: false; reason: string; expected?: boolean };

/**
 * Verified provider events the pipeline stores but does not act on yet: they are kept (with
 * this reason) for the audit trail instead of being treated as bad input.
 */
const RECORDED_ONLY = new Set([
  "twilio.sms",
  "twilio.status",
  "stripe.event",
  "slack.action",
  "slack.event",
]);

const e164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number like +15125550123");

/** An already-normalised thread event, as internal producers and tests submit them. */
const threadEventEnvelope = z.object({
  companyId: z.string().min(1),
  phone: e164,
  event: z.unknown(),
  /** The customer's own text this event carries, recorded in the thread's history with it. */
  message: z
    .object({
      body: z.string(),
      from: z.string().min(1),
      to: z.string().min(1),
      providerMessageId: z.string().min(1),
    })
    .optional(),
});

type Normalizer = (payload: unknown) => NormalizedInbound;

const normalizers: Record<string, Normalizer> = {
  "thread.event": (payload) => {
    const envelope = threadEventEnvelope.safeParse(payload);
    if (!envelope.success) {
      return {
        ok: false,
        reason: `Invalid thread event envelope: ${z.prettifyError(envelope.error)}`,
      };
    }
    const event = threadEventSchema.safeParse(envelope.data.event);
    if (!event.success) {
      return { ok: false, reason: `Invalid thread event: ${z.prettifyError(event.error)}` };
    }
    return {
      ok: true,
      key: { companyId: envelope.data.companyId, phone: envelope.data.phone },
      event: event.data,
      ...(envelope.data.message ? { message: envelope.data.message } : {}),
    };
  },
};

export const INBOUND_TYPES = Object.keys(normalizers);

export function normalizeInbound(
  stored: Pick<StoredInboundEvent, "type" | "payload">,
): NormalizedInbound {
  const normalizer = normalizers[stored.type];
  if (!normalizer && RECORDED_ONLY.has(stored.type)) {
    return {
      ok: false,
      reason: `No handler for "${stored.type}" events yet; stored for the audit trail`,
      expected: true,
    };
  }
  if (!normalizer) {
    return {
      ok: false,
      reason: `Unknown event type "${stored.type}"; known types: ${INBOUND_TYPES.join(", ")}`,
    };
  }
  return normalizer(stored.payload);
}
