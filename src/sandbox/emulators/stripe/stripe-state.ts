import type { Clock } from "../../../app/ports.js";
import {
  type ChargeState,
  type DisputeState,
  type EventRequest,
  type JsonObject,
  type LineItemState,
  newId,
  type PaymentIntentState,
  type RefundState,
  renderCharge,
  renderDispute,
  renderEvent,
  renderPaymentIntent,
  renderRefund,
  renderSession,
  type SessionState,
  type StripeErrorBody,
} from "./objects.js";

// The emulated Stripe account: objects, their life cycles and the events they emit, with
// Stripe's validation rules and messages. HTTP, idempotency and webhook delivery live
// elsewhere; this file only knows the clock.

/** A request Stripe would refuse, with the status and error body it would answer. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
    this.name = "StripeApiError";
  }
}

export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    message,
    ...(param === undefined ? {} : { param }),
    ...(code === undefined ? {} : { code }),
  });
}

export function noSuch(kind: string, id: string, param = "id"): StripeApiError {
  return new StripeApiError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${kind}: '${id}'`,
    param,
  });
}

export interface StoredEvent {
  id: string;
  seq: number;
  type: string;
  created: number;
  object: JsonObject;
  previousAttributes: JsonObject | null;
  request: EventRequest;
  pendingWebhooks: number;
  /** Whether the last delivery to the app's endpoint got a 2xx (null: never attempted). */
  deliverySuccess: boolean | null;
}

export interface NewSession {
  currency: string;
  lineItems: Array<Omit<LineItemState, "id">>;
  metadata: Record<string, string>;
  clientReferenceId: string | null;
  customerEmail: string | null;
  successUrl: string | null;
  cancelUrl: string | null;
  expiresAt: number | null;
  paymentIntentMetadata: Record<string, string>;
  paymentIntentDescription: string | null;
}

export type PaymentOutcome = "succeeded" | "failed";
export type PaymentMethodType = "card" | "us_bank_account";

/** Zero-decimal currencies: amounts are whole units (docs.stripe.com/currencies). */
export const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

/** Currencies the emulated account settles in; others are refused as Stripe would. */
export const SUPPORTED_CURRENCIES = new Set([
  "usd",
  "cad",
  "eur",
  "gbp",
  "aud",
  "mxn",
  "nzd",
  "chf",
  "sek",
  "nok",
  "dkk",
  "jpy",
  "krw",
]);

/** Minimum charge per currency in minor units (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). */
const MINIMUM_CHARGE: Record<string, number> = {
  usd: 50,
  cad: 50,
  eur: 50,
  gbp: 30,
  aud: 50,
  mxn: 1000,
  nzd: 50,
  chf: 50,
  sek: 300,
  nok: 300,
  dkk: 250,
  jpy: 50,
  krw: 100,
};

const MAXIMUM_CHARGE = 99_999_999;
const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;
/** Stripe keeps events for 30 days; older ones drop out of the Events list. */
const EVENT_RETENTION_SECONDS = 30 * 86_400;

export class StripeAccount {
  readonly sessions = new Map<string, SessionState>();
  readonly intents = new Map<string, PaymentIntentState>();
  readonly charges = new Map<string, ChargeState>();
  readonly refunds = new Map<string, RefundState>();
  readonly disputes = new Map<string, DisputeState>();
  readonly events: StoredEvent[] = [];
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    /** Called for every event as it is created, in order. */
    private readonly onEvent: (event: StoredEvent) => void,
  ) {}

  nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  // ---- Checkout Sessions ----------------------------------------------------------------

  createSession(input: NewSession, hostedUrl: (id: string) => string): SessionState {
    const now = this.nowSeconds();
    const expiresAt = input.expiresAt ?? now + MAX_EXPIRY_SECONDS;
    if (expiresAt < now + MIN_EXPIRY_SECONDS) {
      throw invalidRequest(
        "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
        "expires_at",
      );
    }
    if (expiresAt > now + MAX_EXPIRY_SECONDS) {
      throw invalidRequest(
        "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
        "expires_at",
      );
    }
    const amountTotal = input.lineItems.reduce(
      (sum, item) => sum + item.unitAmount * item.quantity,
      0,
    );
    const minimum = MINIMUM_CHARGE[input.currency] ?? 50;
    if (amountTotal < minimum) {
      throw invalidRequest(
        `The Checkout Session's total amount due must add up to at least ${formatAmount(minimum, input.currency)}`,
        undefined,
        "amount_too_small",
      );
    }
    if (amountTotal > MAXIMUM_CHARGE) {
      throw invalidRequest(
        `The Checkout Session's total amount due must be no more than ${formatAmount(MAXIMUM_CHARGE, input.currency)}`,
        undefined,
        "amount_too_large",
      );
    }
    const id = newId("cs_test", 58);
    const session: SessionState = {
      id,
      created: now,
      expiresAt,
      status: "open",
      paymentStatus: "unpaid",
      currency: input.currency,
      amountTotal,
      metadata: input.metadata,
      clientReferenceId: input.clientReferenceId,
      customerEmail: input.customerEmail,
      successUrl: input.successUrl,
      cancelUrl: input.cancelUrl,
      paymentIntentId: null,
      paymentIntentMetadata: input.paymentIntentMetadata,
      paymentIntentDescription: input.paymentIntentDescription,
      lineItems: input.lineItems.map((item) => ({ ...item, id: newId("li") })),
      hostedUrl: hostedUrl(id),
    };
    this.sessions.set(id, session);
    return session;
  }

  session(id: string): SessionState {
    const session = this.sessions.get(id);
    if (!session) {
      throw noSuch("checkout.session", id);
    }
    return session;
  }

  expireSession(id: string, request: EventRequest): SessionState {
    const session = this.session(id);
    if (session.status !== "open") {
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of ${session.status}.`,
        undefined,
        "checkout_session_not_open",
      );
    }
    this.markExpired(session, request);
    return session;
  }

  /** Expires every open session whose `expires_at` the clock has passed. */
  sweepExpired(): number {
    const now = this.nowSeconds();
    let expired = 0;
    for (const session of this.sessions.values()) {
      if (session.status === "open" && session.expiresAt <= now) {
        this.markExpired(session, { id: null, idempotencyKey: null });
        expired++;
      }
    }
    return expired;
  }

  private markExpired(session: SessionState, request: EventRequest): void {
    session.status = "expired";
    this.emit("checkout.session.expired", renderSession(session), request, { status: "open" });
  }

  // ---- Paying (the hosted page and the sandbox control API) -----------------------------

  pay(sessionId: string, outcome: PaymentOutcome, method: PaymentMethodType): SessionState {
    this.sweepExpired();
    const session = this.session(sessionId);
    if (session.status !== "open") {
      throw invalidRequest(
        `This Checkout Session is ${session.status} and can no longer be paid.`,
        undefined,
        "checkout_session_not_open",
      );
    }
    const intent = this.intentFor(session, method);
    const request: EventRequest = { id: null, idempotencyKey: null };
    const charge = this.newCharge(intent, method === "card" ? outcome : "pending");

    if (method === "card") {
      if (outcome === "succeeded") {
        this.succeed(intent, charge, request);
        session.status = "complete";
        session.paymentStatus = "paid";
        this.emit("checkout.session.completed", renderSession(session), request, null);
      } else {
        // A declined card leaves the session open: the customer may try another card.
        this.fail(intent, charge, request);
      }
      return session;
    }

    // Bank debits (ACH): the session completes unpaid, and the result arrives later as an
    // async event. The emulator settles at once; the order of events is Stripe's.
    intent.status = "processing";
    intent.latestChargeId = charge.id;
    this.emit("payment_intent.processing", renderPaymentIntent(intent), request, null);
    session.status = "complete";
    session.paymentStatus = "unpaid";
    this.emit("checkout.session.completed", renderSession(session), request, null);
    if (outcome === "succeeded") {
      charge.status = "succeeded";
      this.succeed(intent, charge, request);
      session.paymentStatus = "paid";
      this.emit("checkout.session.async_payment_succeeded", renderSession(session), request, {
        payment_status: "unpaid",
      });
    } else {
      charge.status = "failed";
      this.fail(intent, charge, request);
      this.emit("checkout.session.async_payment_failed", renderSession(session), request, null);
    }
    return session;
  }

  private intentFor(session: SessionState, method: PaymentMethodType): PaymentIntentState {
    const existing = session.paymentIntentId ? this.intents.get(session.paymentIntentId) : null;
    if (existing) {
      existing.paymentMethodType = method;
      return existing;
    }
    const intent: PaymentIntentState = {
      id: newId("pi"),
      created: this.nowSeconds(),
      amount: session.amountTotal,
      currency: session.currency,
      status: "requires_payment_method",
      metadata: { ...session.paymentIntentMetadata },
      description: session.paymentIntentDescription,
      amountReceived: 0,
      latestChargeId: null,
      lastPaymentError: null,
      paymentMethodType: method,
      checkoutSessionId: session.id,
    };
    this.intents.set(intent.id, intent);
    session.paymentIntentId = intent.id;
    this.emit("payment_intent.created", renderPaymentIntent(intent), NO_REQUEST, null);
    return intent;
  }

  private newCharge(intent: PaymentIntentState, status: PaymentOutcome | "pending"): ChargeState {
    const charge: ChargeState = {
      id: newId("ch"),
      created: this.nowSeconds(),
      amount: intent.amount,
      currency: intent.currency,
      paymentIntentId: intent.id,
      status: status === "failed" ? "failed" : status === "pending" ? "pending" : "succeeded",
      amountRefunded: 0,
      disputed: false,
      failureCode: null,
      failureMessage: null,
      metadata: { ...intent.metadata },
      refundIds: [],
      paymentMethodType: intent.paymentMethodType,
    };
    this.charges.set(charge.id, charge);
    return charge;
  }

  private succeed(intent: PaymentIntentState, charge: ChargeState, request: EventRequest): void {
    intent.status = "succeeded";
    intent.amountReceived = intent.amount;
    intent.latestChargeId = charge.id;
    intent.lastPaymentError = null;
    this.emit("charge.succeeded", renderCharge(charge, []), request, null);
    this.emit("payment_intent.succeeded", renderPaymentIntent(intent), request, null);
  }

  private fail(intent: PaymentIntentState, charge: ChargeState, request: EventRequest): void {
    const card = charge.paymentMethodType === "card";
    charge.failureCode = card ? "card_declined" : "insufficient_funds";
    charge.failureMessage = card
      ? "Your card was declined."
      : "The customer's account has insufficient funds to cover this payment.";
    intent.status = "requires_payment_method";
    intent.latestChargeId = charge.id;
    intent.lastPaymentError = {
      type: "card_error",
      code: charge.failureCode,
      declineCode: card ? "generic_decline" : null,
      message: charge.failureMessage,
    };
    this.emit("charge.failed", renderCharge(charge, []), request, null);
    this.emit("payment_intent.payment_failed", renderPaymentIntent(intent), request, null);
  }

  // ---- PaymentIntents, charges, refunds, disputes ---------------------------------------

  intent(id: string): PaymentIntentState {
    const intent = this.intents.get(id);
    if (!intent) {
      throw noSuch("payment_intent", id);
    }
    return intent;
  }

  charge(id: string): ChargeState {
    const charge = this.charges.get(id);
    if (!charge) {
      throw noSuch("charge", id);
    }
    return charge;
  }

  renderCharge(charge: ChargeState): JsonObject {
    const refunds = charge.refundIds
      .map((id) => this.refunds.get(id))
      .filter((refund): refund is RefundState => refund !== undefined);
    return renderCharge(charge, refunds);
  }

  /** The succeeded charge behind a PaymentIntent, Checkout Session or charge id. */
  paidChargeFor(target: string, param: string): ChargeState {
    let charge: ChargeState | undefined;
    if (target.startsWith("ch_")) {
      charge = this.charge(target);
    } else {
      const intent = target.startsWith("cs_")
        ? this.intents.get(this.session(target).paymentIntentId ?? "")
        : this.intents.get(target);
      if (!intent) {
        throw noSuch("payment_intent", target, param);
      }
      charge = intent.latestChargeId ? this.charges.get(intent.latestChargeId) : undefined;
    }
    if (charge?.status !== "succeeded") {
      throw invalidRequest(
        `This PaymentIntent (${target}) does not have a successful charge to refund or dispute.`,
        param,
        "charge_not_refundable",
      );
    }
    return charge;
  }

  refund(
    charge: ChargeState,
    input: { amount: number | null; reason: string | null; metadata: Record<string, string> },
    request: EventRequest,
  ): RefundState {
    const remaining = charge.amount - charge.amountRefunded;
    const amount = input.amount ?? remaining;
    if (remaining <= 0) {
      throw invalidRequest(
        `Charge ${charge.id} has already been refunded.`,
        undefined,
        "charge_already_refunded",
      );
    }
    if (amount <= 0 || amount > remaining) {
      throw invalidRequest(
        `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
        "amount",
        "amount_too_large",
      );
    }
    const refund: RefundState = {
      id: newId("re"),
      created: this.nowSeconds(),
      amount,
      currency: charge.currency,
      chargeId: charge.id,
      paymentIntentId: charge.paymentIntentId,
      reason: input.reason,
      metadata: input.metadata,
    };
    this.refunds.set(refund.id, refund);
    const previous = { amount_refunded: charge.amountRefunded, refunded: false };
    charge.amountRefunded += amount;
    charge.refundIds.push(refund.id);
    this.emit("refund.created", renderRefund(refund), request, null);
    this.emit("charge.refunded", this.renderCharge(charge), request, previous);
    return refund;
  }

  dispute(charge: ChargeState, reason: string): DisputeState {
    if (charge.disputed) {
      throw invalidRequest(
        `Charge ${charge.id} is already disputed.`,
        undefined,
        "charge_disputed",
      );
    }
    charge.disputed = true;
    const dispute: DisputeState = {
      id: newId("dp"),
      created: this.nowSeconds(),
      amount: charge.amount - charge.amountRefunded,
      currency: charge.currency,
      chargeId: charge.id,
      paymentIntentId: charge.paymentIntentId,
      reason,
      status: "needs_response",
    };
    this.disputes.set(dispute.id, dispute);
    this.emit("charge.dispute.created", renderDispute(dispute), NO_REQUEST, null);
    return dispute;
  }

  // ---- Events -------------------------------------------------------------------------

  event(id: string): StoredEvent {
    const event = this.events.find((candidate) => candidate.id === id);
    if (!event || this.tooOld(event)) {
      throw noSuch("event", id);
    }
    return event;
  }

  /** Events still retained, newest first (the Events list order). */
  retainedEvents(): StoredEvent[] {
    return this.events.filter((event) => !this.tooOld(event)).reverse();
  }

  private tooOld(event: StoredEvent): boolean {
    return event.created < this.nowSeconds() - EVENT_RETENTION_SECONDS;
  }

  private emit(
    type: string,
    object: JsonObject,
    request: EventRequest,
    previousAttributes: JsonObject | null,
  ): void {
    const event: StoredEvent = {
      id: newId("evt"),
      seq: ++this.seq,
      type,
      created: this.nowSeconds(),
      // Each event carries the object as it was at that moment, never a live reference.
      object: structuredClone(object),
      previousAttributes,
      request,
      pendingWebhooks: 0,
      deliverySuccess: null,
    };
    this.events.push(event);
    this.onEvent(event);
  }
}

const NO_REQUEST: EventRequest = { id: null, idempotencyKey: null };

export function renderStoredEvent(event: StoredEvent): JsonObject {
  return renderEvent(event);
}

/** "$0.50 usd", as Stripe words amounts in its error messages. */
export function formatAmount(minor: number, currency: string): string {
  const exponent = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const value = (minor / 10 ** exponent).toFixed(exponent);
  return currency === "usd" ? `$${value} usd` : `${value} ${currency}`;
}
