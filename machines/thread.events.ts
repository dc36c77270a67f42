import { z } from "zod";
import { INTENTS, type Intent } from "../src/domain/intents.js";
import { LANGUAGES, REMINDER_TEMPLATES } from "./thread.templates.js";

// Every event the thread machine accepts, as zod schemas: the pipeline parses stored
// payloads with these before a transition, so a malformed event is rejected, never applied.

export { INTENTS, type Intent };

const at = z.iso.datetime({ offset: true });
const localDate = z.iso.date();
const language = z.enum(LANGUAGES);

const openInvoice = z.object({
  id: z.string().min(1),
  number: z.string(),
  balanceMinor: z.number().int().nonnegative(),
  currency: z.string().length(3),
  dueDate: localDate,
});

export const smsReceivedEvent = z.object({
  type: z.literal("sms.received"),
  at,
  text: z.string(),
  intent: z.enum(INTENTS),
  language,
  promiseDate: localDate.nullable().default(null),
  /** A bare number the customer replied with (a plan choice), parsed by the host. */
  choice: z.number().int().positive().nullable().default(null),
  /** Twilio already sent its own opt-out confirmation (OptOutType=STOP). */
  carrierConfirmedOptOut: z.boolean().default(false),
  /**
   * The text held a card number, masked before it was stored (REQ-57; `text` already shows
   * the mask): the customer is asked, once for this text, not to send card numbers.
   */
  cardNumberRedacted: z.boolean().default(false),
});

export const checkDueEvent = z.object({
  type: z.literal("check.due"),
  at,
  key: z.string().min(1),
  /** What the ladder says is due now, if anything; the machine decides whether to send it. */
  reminder: z
    .object({
      template: z.enum(REMINDER_TEMPLATES),
      invoiceIds: z.array(z.string()).min(1),
    })
    .nullable()
    .default(null),
  /** The ladder has run out: the thread goes to a person (no text). */
  handOff: z.boolean().default(false),
});

export const invoicesUpdatedEvent = z.object({
  type: z.literal("invoices.updated"),
  at,
  openInvoices: z.array(openInvoice),
  /**
   * Invoices the accounting system now shows paid off: the balance went to zero and the
   * invoice still stands. An invoice that only dropped out of `openInvoices` (voided, deleted)
   * is not here: it was not paid, so it earns no thank-you. Empty when the host cannot tell.
   */
  paidInvoiceIds: z.array(z.string().min(1)).default([]),
});

export const paymentReceivedEvent = z.object({
  type: z.literal("payment.received"),
  at,
  amountMinor: z.number().int().positive(),
  currency: z.string().length(3),
  invoiceIds: z.array(z.string()),
  /** Open balances after this payment, re-read from the accounting system. */
  openInvoices: z.array(openInvoice),
});

export const paymentFailedEvent = z.object({
  type: z.literal("payment.failed"),
  at,
  invoiceIds: z.array(z.string()),
});

export const staffTookOverEvent = z.object({
  type: z.literal("staff.took_over"),
  at,
  user: z.string().min(1),
});

export const staffReleasedEvent = z.object({
  type: z.literal("staff.released"),
  at,
  user: z.string().min(1),
});

export const staffResolvedEvent = z.object({
  type: z.literal("staff.resolved"),
  at,
  user: z.string().min(1),
  outcome: z.enum(["resume", "close"]),
});

export const staffRepliedEvent = z.object({
  type: z.literal("staff.replied"),
  at,
  user: z.string().min(1),
  text: z.string().min(1).max(1600),
});

export const consentRevokedEvent = z.object({
  type: z.literal("consent.revoked"),
  at,
  source: z.enum(["staff", "web", "carrier"]),
});

export const threadEventSchema = z.discriminatedUnion("type", [
  smsReceivedEvent,
  checkDueEvent,
  invoicesUpdatedEvent,
  paymentReceivedEvent,
  paymentFailedEvent,
  staffTookOverEvent,
  staffReleasedEvent,
  staffResolvedEvent,
  staffRepliedEvent,
  consentRevokedEvent,
]);

export type ThreadEvent = z.infer<typeof threadEventSchema>;
export type ThreadEventInput = z.input<typeof threadEventSchema>;
export type ThreadEventType = ThreadEvent["type"];
export const THREAD_EVENT_TYPES = threadEventSchema.options.map(
  (option) => option.shape.type.value,
);
