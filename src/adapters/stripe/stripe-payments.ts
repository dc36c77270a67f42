import Stripe from "stripe";
import {
  type CheckoutSessionFacts,
  PAYMENT_METADATA,
  type PaymentEventCursor,
  type PaymentEvents,
  type PaymentIntentFacts,
  type ProviderPaymentEvent,
  readPaymentReference,
} from "../../app/payment-events-port.js";
import type { CheckoutRequest, Payments } from "../../app/ports.js";
import { AppError } from "../../domain/errors.js";
import { toStripeAppError } from "./stripe-errors.js";

// Stripe through the official SDK: Checkout Sessions for pay links, and the reads that
// reconciliation needs (Events list catch-up, re-fetching objects). The same code talks to
// api.stripe.com and to the sandbox emulator; only the base address differs.

export interface StripeApiBase {
  host: string;
  port: number;
  protocol: "http" | "https";
}

export interface StripePaymentsOptions {
  secretKey: string;
  /** Points the SDK elsewhere (the sandbox emulator on loopback); absent for api.stripe.com. */
  apiBase?: StripeApiBase;
  /** stripe-node retries connection errors, 409 and 5xx with the same idempotency key. Default 2. */
  maxNetworkRetries?: number;
  /** Per-request timeout in milliseconds. Default 20 s. */
  timeoutMs?: number;
  /** Events fetched per Events list call while catching up (1–100; default 100). */
  eventsPageSize?: number;
  /** The line item customers see on the Checkout page. */
  productName?: (request: CheckoutRequest) => string;
}

function defaultProductName(request: CheckoutRequest): string {
  return request.invoiceIds.length === 1
    ? "Invoice payment"
    : `Payment for ${request.invoiceIds.length} invoices`;
}

export class StripePayments implements Payments, PaymentEvents {
  private readonly stripe: Stripe;
  private readonly productName: (request: CheckoutRequest) => string;
  private readonly eventsPageSize: number;

  constructor(options: StripePaymentsOptions) {
    if (!options.secretKey) {
      throw new AppError("PROVIDER_NOT_CONFIGURED", "Stripe needs a secret key");
    }
    this.stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      timeout: options.timeoutMs ?? 20_000,
      // Telemetry headers describe our request latencies to Stripe; nothing we need.
      telemetry: false,
      ...(options.apiBase
        ? {
            host: options.apiBase.host,
            port: options.apiBase.port,
            protocol: options.apiBase.protocol,
          }
        : {}),
    });
    this.productName = options.productName ?? defaultProductName;
    this.eventsPageSize = Math.min(100, Math.max(1, options.eventsPageSize ?? 100));
  }

  async createCheckout(request: CheckoutRequest): Promise<{ sessionId: string; url: string }> {
    const metadata = {
      [PAYMENT_METADATA.companyId]: request.companyId,
      [PAYMENT_METADATA.threadId]: request.threadId,
      [PAYMENT_METADATA.invoiceIds]: request.invoiceIds.join(","),
    };
    try {
      const session = await this.stripe.checkout.sessions.create(
        {
          mode: "payment",
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: request.amountMinor,
                product_data: { name: this.productName(request) },
              },
            },
          ],
          // On the session for checkout.session.* events, and on the PaymentIntent because
          // refunds and disputes point at the PaymentIntent, never at the session.
          metadata,
          payment_intent_data: { metadata },
          client_reference_id: `${request.companyId}:${request.threadId}`,
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (!session.url) {
        throw new AppError(
          "PROVIDER_REJECTED",
          `Stripe returned session ${session.id} without a URL`,
          {
            context: { provider: "stripe", sessionId: session.id },
          },
        );
      }
      return { sessionId: session.id, url: session.url };
    } catch (error) {
      throw error instanceof AppError ? error : toStripeAppError(error, "checkout.sessions.create");
    }
  }

  async eventsSince(
    cursor: PaymentEventCursor,
    options: { types?: string[] } = {},
  ): Promise<{ events: ProviderPaymentEvent[]; cursor: PaymentEventCursor }> {
    const seen = new Set(cursor.seenIds);
    const newestFirst: Stripe.Event[] = [];
    try {
      let startingAfter: string | undefined;
      for (;;) {
        const page = await this.stripe.events.list({
          created: { gte: cursor.createdAt },
          limit: this.eventsPageSize,
          ...(options.types && options.types.length > 0 ? { types: options.types } : {}),
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        });
        newestFirst.push(...page.data);
        const last = page.data[page.data.length - 1];
        if (!page.has_more || !last) {
          break;
        }
        startingAfter = last.id;
      }
    } catch (error) {
      throw toStripeAppError(error, "events.list");
    }

    const events = newestFirst
      .reverse()
      .filter((event) => !seen.has(event.id))
      .map(
        (event): ProviderPaymentEvent => ({
          id: event.id,
          type: event.type,
          createdAt: new Date(event.created * 1000),
          payload: toPlain(event),
        }),
      );
    const newest = events[events.length - 1];
    if (!newest) {
      return { events, cursor };
    }
    const newestSecond = Math.floor(newest.createdAt.getTime() / 1000);
    const sameSecond = events
      .filter((event) => Math.floor(event.createdAt.getTime() / 1000) === newestSecond)
      .map((event) => event.id);
    return {
      events,
      cursor: {
        createdAt: newestSecond,
        seenIds:
          newestSecond === cursor.createdAt ? [...cursor.seenIds, ...sameSecond] : sameSecond,
      },
    };
  }

  async retrieveCheckoutSession(id: string): Promise<CheckoutSessionFacts> {
    try {
      const session = await this.stripe.checkout.sessions.retrieve(id);
      return {
        id: session.id,
        status: session.status ?? "open",
        paymentStatus: session.payment_status,
        amountTotalMinor: session.amount_total,
        currency: session.currency ? session.currency.toUpperCase() : null,
        paymentIntentId:
          typeof session.payment_intent === "string"
            ? session.payment_intent
            : (session.payment_intent?.id ?? null),
        reference: readPaymentReference(session.metadata),
        expiresAt: new Date(session.expires_at * 1000),
      };
    } catch (error) {
      throw toStripeAppError(error, "checkout.sessions.retrieve");
    }
  }

  async retrievePaymentIntent(id: string): Promise<PaymentIntentFacts> {
    try {
      const intent = await this.stripe.paymentIntents.retrieve(id, { expand: ["latest_charge"] });
      const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
      return {
        id: intent.id,
        status: intent.status,
        amountMinor: intent.amount,
        amountReceivedMinor: intent.amount_received,
        amountRefundedMinor: charge?.amount_refunded ?? 0,
        disputed: charge?.disputed ?? false,
        currency: intent.currency.toUpperCase(),
        reference: readPaymentReference(intent.metadata),
        latestChargeId:
          typeof intent.latest_charge === "string" ? intent.latest_charge : (charge?.id ?? null),
      };
    } catch (error) {
      throw toStripeAppError(error, "paymentIntents.retrieve");
    }
  }
}

/** The event as plain JSON (what a webhook body would hold), without SDK extras. */
function toPlain(event: Stripe.Event): Record<string, unknown> {
  return JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
}
