import { z } from "zod";
import type { ThreadEventInput } from "../../machines/thread.events.js";
import { AppError } from "../domain/errors.js";
import { formatMoney } from "../domain/message-format.js";
import { allocateOldestFirst } from "../domain/payment-allocation.js";
import type { PaymentEvents, PaymentIntentFacts, PaymentReference } from "./payment-events-port.js";
import type { PaymentStore, StoredPayment } from "./payment-store-port.js";
import type { Accounting, Clock, Logger, NewInboundEvent } from "./ports.js";
import type { InboundHandler } from "./process-inbound-event.js";

// Stripe events, reconciled (DESIGN §6): the handler for stored `stripe.event` inbound
// events, whether a webhook or the Events catch-up stored them. It never trusts the event's
// snapshot: it re-reads the Checkout Session or PaymentIntent and acts on its state now, so
// duplicates and out-of-order arrivals land in the same place. Every step is idempotent — one
// `payments` row per PaymentIntent, a QuickBooks `requestid` derived from it, and thread
// events keyed by it — so a crash anywhere is repaired by processing the event again.

/** The event types acted on; the Events catch-up asks Stripe for these only. */
export const RECONCILED_STRIPE_EVENT_TYPES = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.refunded",
  "charge.dispute.created",
] as const;

export interface ReconcileStripeDeps {
  payments: PaymentStore;
  paymentEvents: Pick<PaymentEvents, "retrieveCheckoutSession" | "retrievePaymentIntent">;
  accounting: Accounting;
  /** Stores and processes an inbound event (`receiveInboundEvent`): how thread events are sent. */
  submit(event: Omit<NewInboundEvent, "receivedAt">): Promise<unknown>;
  clock: Clock;
  logger: Logger;
}

const stripeEventShape = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.object({
    object: z
      .object({
        id: z.string().min(1),
        // Charges and disputes name their PaymentIntent.
        payment_intent: z
          .union([z.string(), z.object({ id: z.string() })])
          .nullable()
          .optional(),
      })
      .passthrough(),
  }),
});

type HandlerResult = { rejected: string } | undefined;

export function reconcileStripeEvent(deps: ReconcileStripeDeps): InboundHandler {
  return async (payload) => {
    const parsed = stripeEventShape.safeParse(payload);
    if (!parsed.success) {
      return { rejected: `Not a Stripe event: ${z.prettifyError(parsed.error)}` };
    }
    const event = parsed.data;
    const object = event.data.object;
    switch (event.type) {
      case "checkout.session.completed":
      case "checkout.session.async_payment_succeeded":
      case "checkout.session.async_payment_failed":
        return reconcileSession(deps, object.id);
      case "payment_intent.succeeded":
      case "payment_intent.payment_failed":
        return reconcileIntent(deps, await deps.paymentEvents.retrievePaymentIntent(object.id));
      case "charge.refunded":
      case "charge.dispute.created": {
        const intentId =
          typeof object.payment_intent === "string"
            ? object.payment_intent
            : (object.payment_intent?.id ?? null);
        if (!intentId) {
          return { rejected: `${event.type} ${object.id} names no PaymentIntent` };
        }
        return reconcileMoneyTakenBack(
          deps,
          await deps.paymentEvents.retrievePaymentIntent(intentId),
        );
      }
      default:
        // Verified and kept for the record; nothing to do for this type.
        return undefined;
    }
  };
}

async function reconcileSession(
  deps: ReconcileStripeDeps,
  sessionId: string,
): Promise<HandlerResult> {
  const session = await deps.paymentEvents.retrieveCheckoutSession(sessionId);
  if (!session.paymentIntentId) {
    // Completed without a PaymentIntent (nothing was charged): nothing to reconcile.
    return undefined;
  }
  return reconcileIntent(
    deps,
    await deps.paymentEvents.retrievePaymentIntent(session.paymentIntentId),
    session.reference,
  );
}

/** Acts on a PaymentIntent as it is now: paid, failed, or still in flight. */
async function reconcileIntent(
  deps: ReconcileStripeDeps,
  intent: PaymentIntentFacts,
  sessionReference: PaymentReference | null = null,
): Promise<HandlerResult> {
  const reference = intent.reference ?? sessionReference;
  if (!reference) {
    return {
      rejected: `PaymentIntent ${intent.id} carries no duetext reference (not paid through a pay link)`,
    };
  }
  if (intent.status === "succeeded") {
    return recordSucceededPayment(deps, intent, reference);
  }
  if (intent.status === "requires_payment_method" || intent.status === "canceled") {
    // A declined card or a failed bank debit. One notice per PaymentIntent: a customer who
    // retries cards on the Checkout page is not texted about every attempt.
    const thread = await deps.payments.threadFacts(reference.threadId);
    if (!thread) {
      return {
        rejected: `Thread ${reference.threadId} of PaymentIntent ${intent.id} does not exist`,
      };
    }
    await submitThreadEvent(deps, `payment.failed:${intent.id}`, thread, {
      type: "payment.failed",
      at: deps.clock.now().toISOString(),
      invoiceIds: reference.invoiceIds,
    });
    return undefined;
  }
  // processing, requires_action, …: a later event tells the outcome.
  return undefined;
}

async function recordSucceededPayment(
  deps: ReconcileStripeDeps,
  intent: PaymentIntentFacts,
  reference: PaymentReference,
): Promise<HandlerResult> {
  const { companyId } = reference;
  const now = deps.clock.now();
  if (intent.amountReceivedMinor <= 0) {
    return { rejected: `PaymentIntent ${intent.id} succeeded without receiving any money` };
  }
  const invoices = await deps.payments.invoices(companyId, reference.invoiceIds);
  if (invoices.length === 0) {
    return {
      rejected: `None of the invoices ${reference.invoiceIds.join(", ")} of PaymentIntent ${intent.id} exist in company ${companyId}`,
    };
  }
  const foreign = invoices.find((invoice) => invoice.currency !== intent.currency);
  if (foreign) {
    return {
      rejected: `PaymentIntent ${intent.id} is in ${intent.currency} but invoice ${foreign.id} is in ${foreign.currency}`,
    };
  }
  const customerQuickbooksId = invoices[0]?.customerQuickbooksId;
  if (!customerQuickbooksId) {
    return { rejected: `The customer of invoice ${invoices[0]?.id} has no QuickBooks id` };
  }
  const quickbooksIdOf = new Map(invoices.map((invoice) => [invoice.id, invoice.quickbooksId]));

  const payment = await deps.payments.recordStripePayment({
    companyId,
    threadId: reference.threadId,
    stripePaymentIntentId: intent.id,
    amountMinor: intent.amountReceivedMinor,
    currency: intent.currency,
    occurredAt: now,
  });

  if (!payment.writtenBackAt) {
    const applications = await plannedApplications(deps, payment, invoices);
    const applied = applications.reduce((sum, application) => sum + application.amountMinor, 0);
    if (applied < payment.amountMinor) {
      // The invoices owed less than was paid (e.g. a check crossed the card payment): the
      // rest stays an unapplied credit on the customer in QuickBooks.
      deps.logger.warn(
        { companyId, paymentIntentId: intent.id, unappliedMinor: payment.amountMinor - applied },
        "Stripe payment exceeds what its invoices owed; the rest is left as a credit in QuickBooks",
      );
    }
    const { quickbooksPaymentId } = await deps.accounting.recordPayment({
      companyId,
      customerQuickbooksId,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      applications: applications.map((application) => ({
        invoiceQuickbooksId: quickbooksIdOf.get(application.invoiceId) ?? "",
        amountMinor: application.amountMinor,
      })),
      memo: `Stripe payment ${intent.id} (duetext pay link)`,
      // QuickBooks answers a repeated requestid with the first Payment, never a second one.
      requestId: quickbooksRequestId(intent.id),
    });
    await deps.payments.markWrittenBack(payment.id, quickbooksPaymentId, deps.clock.now());
    deps.logger.info(
      { companyId, paymentIntentId: intent.id, quickbooksPaymentId },
      "Stripe payment written back to QuickBooks",
    );
  }

  // QuickBooks is the truth about what is still owed: re-read, then mirror it.
  const after = await deps.accounting.readInvoices(
    companyId,
    invoices.map((invoice) => invoice.quickbooksId),
  );
  await deps.payments.applyInvoiceFacts(companyId, after, deps.clock.now());
  await deps.payments.markPayLinksPaid(companyId, reference.invoiceIds, deps.clock.now());

  const thread = await deps.payments.threadFacts(reference.threadId);
  if (!thread) {
    deps.logger.warn(
      { companyId, paymentIntentId: intent.id, threadId: reference.threadId },
      "Stripe payment recorded, but its thread no longer exists",
    );
    return undefined;
  }
  await submitThreadEvent(deps, `payment.received:${intent.id}`, thread, {
    type: "payment.received",
    at: deps.clock.now().toISOString(),
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    invoiceIds: reference.invoiceIds,
    openInvoices: thread.openInvoices,
  });
  return undefined;
}

/** The plan stored before the first post, or a fresh one from QuickBooks' live balances. */
async function plannedApplications(
  deps: ReconcileStripeDeps,
  payment: StoredPayment,
  invoices: Awaited<ReturnType<PaymentStore["invoices"]>>,
): Promise<StoredPayment["applications"]> {
  if (payment.applications.length > 0) {
    return payment.applications;
  }
  const live = await deps.accounting.readInvoices(
    payment.companyId,
    invoices.map((invoice) => invoice.quickbooksId),
  );
  const balanceOf = new Map(
    live.filter((fact) => !fact.voided).map((fact) => [fact.quickbooksId, fact.balanceMinor]),
  );
  const { applications } = allocateOldestFirst(
    payment.amountMinor,
    invoices.map((invoice) => ({
      id: invoice.id,
      balanceMinor: balanceOf.get(invoice.quickbooksId) ?? 0,
      dueDate: invoice.dueDate,
      number: invoice.docNumber ?? invoice.quickbooksId,
    })),
  );
  await deps.payments.planApplications(payment.id, applications);
  return applications;
}

/** A refund or dispute: the payment row says so and staff get a task (QuickBooks is theirs to adjust). */
async function reconcileMoneyTakenBack(
  deps: ReconcileStripeDeps,
  intent: PaymentIntentFacts,
): Promise<HandlerResult> {
  const reference = intent.reference;
  if (!reference) {
    return {
      rejected: `PaymentIntent ${intent.id} carries no duetext reference (not paid through a pay link)`,
    };
  }
  if (intent.status === "succeeded") {
    // A refund may be the first we hear of a payment whose own events were lost.
    const recorded = await recordSucceededPayment(deps, intent, reference);
    if (recorded) {
      return recorded;
    }
  }
  const status = intent.disputed
    ? "disputed"
    : intent.amountRefundedMinor >= intent.amountReceivedMinor && intent.amountReceivedMinor > 0
      ? "refunded"
      : null;
  if (status === null) {
    deps.logger.warn(
      {
        companyId: reference.companyId,
        paymentIntentId: intent.id,
        refundedMinor: intent.amountRefundedMinor,
      },
      "Stripe payment partly refunded; QuickBooks is not adjusted and staff are not told yet",
    );
    return undefined;
  }
  const notice =
    status === "disputed"
      ? {
          reason: "card_dispute",
          text: `The customer disputed a card payment of ${formatAmount(intent)} (${intent.id}) with their bank. Respond in Stripe; QuickBooks still shows it paid.`,
          at: deps.clock.now(),
        }
      : {
          reason: "payment_refunded",
          text: `A card payment of ${formatAmount(intent)} (${intent.id}) was refunded in Stripe. QuickBooks still shows it paid: reverse the QuickBooks payment if the invoice is owed again.`,
          at: deps.clock.now(),
        };
  if (!(await deps.payments.updateStatus(intent.id, status, notice))) {
    throw new AppError("NOT_FOUND", `No payment recorded for PaymentIntent ${intent.id}`);
  }
  deps.logger.warn(
    { companyId: reference.companyId, paymentIntentId: intent.id, status },
    "Stripe payment taken back; staff are told, QuickBooks is not adjusted",
  );
  return undefined;
}

async function submitThreadEvent(
  deps: ReconcileStripeDeps,
  externalId: string,
  thread: { companyId: string; phone: string },
  event: ThreadEventInput,
): Promise<void> {
  await deps.submit({
    provider: "stripe",
    externalId,
    type: "thread.event",
    companyId: thread.companyId,
    payload: { companyId: thread.companyId, phone: thread.phone, event },
  });
}

/** QuickBooks' requestid for the Payment that records this PaymentIntent (≤ 50 characters). */
export function quickbooksRequestId(paymentIntentId: string): string {
  return `stripe-${paymentIntentId}`.slice(0, 50);
}

function formatAmount(intent: PaymentIntentFacts): string {
  return formatMoney(intent.amountMinor, intent.currency, "en");
}
