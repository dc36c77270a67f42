import { randomBytes } from "node:crypto";

// The emulator's state, and how each object renders on the wire. Every rendered object
// carries the same top-level fields as Stripe's own fixtures (openapi/fixtures3.json), so
// code written against the emulator meets no surprises against the real API; a contract
// test holds these renderers to the fixture file.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The API version stripe-node 23.1.0 pins; events are rendered with it. */
export const API_VERSION = "2026-10-28.endive";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Stripe-looking opaque ids: a prefix and base62 noise (unguessable, like the real ones). */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) {
    out += ALPHABET[byte % ALPHABET.length];
  }
  return `${prefix}_${out}`;
}

export interface LineItemState {
  id: string;
  name: string;
  description: string | null;
  unitAmount: number;
  quantity: number;
  currency: string;
}

export interface SessionState {
  id: string;
  created: number;
  expiresAt: number;
  status: "open" | "complete" | "expired";
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  currency: string;
  amountTotal: number;
  metadata: Record<string, string>;
  clientReferenceId: string | null;
  customerEmail: string | null;
  successUrl: string | null;
  cancelUrl: string | null;
  paymentIntentId: string | null;
  paymentIntentMetadata: Record<string, string>;
  paymentIntentDescription: string | null;
  lineItems: LineItemState[];
  hostedUrl: string;
}

export interface LastPaymentError {
  type: string;
  code: string;
  declineCode: string | null;
  message: string;
}

export interface PaymentIntentState {
  id: string;
  created: number;
  amount: number;
  currency: string;
  status: "requires_payment_method" | "processing" | "succeeded" | "canceled";
  metadata: Record<string, string>;
  description: string | null;
  amountReceived: number;
  latestChargeId: string | null;
  lastPaymentError: LastPaymentError | null;
  paymentMethodType: "card" | "us_bank_account";
  checkoutSessionId: string;
}

export interface ChargeState {
  id: string;
  created: number;
  amount: number;
  currency: string;
  paymentIntentId: string;
  status: "succeeded" | "pending" | "failed";
  amountRefunded: number;
  disputed: boolean;
  failureCode: string | null;
  failureMessage: string | null;
  metadata: Record<string, string>;
  refundIds: string[];
  paymentMethodType: "card" | "us_bank_account";
}

export interface RefundState {
  id: string;
  created: number;
  amount: number;
  currency: string;
  chargeId: string;
  paymentIntentId: string;
  reason: string | null;
  metadata: Record<string, string>;
}

export interface DisputeState {
  id: string;
  created: number;
  amount: number;
  currency: string;
  chargeId: string;
  paymentIntentId: string;
  reason: string;
  status: string;
}

const ADDRESS_NULLS: JsonObject = {
  city: null,
  country: null,
  line1: null,
  line2: null,
  postal_code: null,
  state: null,
};

export function renderSession(session: SessionState): JsonObject {
  const open = session.status === "open";
  return {
    id: session.id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: session.amountTotal,
    amount_total: session.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: session.cancelUrl,
    client_reference_id: session.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: session.created,
    currency: session.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: null,
    customer_account: null,
    customer_creation: "if_required",
    customer_details:
      session.status === "complete"
        ? {
            address: ADDRESS_NULLS,
            business_name: null,
            email: session.customerEmail ?? "customer@example.com",
            individual_name: null,
            name: null,
            phone: null,
            tax_exempt: "none",
            tax_ids: [],
          }
        : null,
    customer_email: session.customerEmail,
    discounts: [],
    expires_at: session.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: {
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    },
    livemode: false,
    locale: null,
    managed_payments: { enabled: false },
    metadata: { ...session.metadata },
    mode: "payment",
    origin_context: null,
    payment_intent: session.paymentIntentId,
    payment_link: null,
    payment_method_collection: "if_required",
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_status: session.paymentStatus,
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: session.status,
    submit_type: null,
    subscription: null,
    success_url: session.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    // Stripe clears the hosted URL once the session can no longer be paid.
    url: open ? session.hostedUrl : null,
    wallet_options: null,
  };
}

export function renderLineItem(item: LineItemState): JsonObject {
  const total = item.unitAmount * item.quantity;
  return {
    id: item.id,
    object: "item",
    amount_discount: 0,
    amount_subtotal: total,
    amount_tax: 0,
    amount_total: total,
    currency: item.currency,
    description: item.name,
    quantity: item.quantity,
  };
}

export function renderPaymentIntent(intent: PaymentIntentState): JsonObject {
  const error = intent.lastPaymentError;
  return {
    id: intent.id,
    object: "payment_intent",
    amount: intent.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: intent.amountReceived,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: `${intent.id}_secret_${intent.id.slice(3, 15)}`,
    confirmation_method: "automatic",
    created: intent.created,
    currency: intent.currency,
    customer: null,
    customer_account: null,
    description: intent.description,
    excluded_payment_method_types: null,
    last_payment_error: error
      ? {
          type: error.type,
          code: error.code,
          decline_code: error.declineCode,
          message: error.message,
          doc_url: `https://stripe.com/docs/error-codes/${error.code.replace(/_/g, "-")}`,
        }
      : null,
    latest_charge: intent.latestChargeId,
    livemode: false,
    managed_payments: { enabled: false },
    metadata: { ...intent.metadata },
    next_action: null,
    on_behalf_of: null,
    payment_method: intent.latestChargeId ? `pm_${intent.id.slice(3)}` : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: [intent.paymentMethodType],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: intent.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export function renderRefund(refund: RefundState): JsonObject {
  return {
    id: refund.id,
    object: "refund",
    amount: refund.amount,
    balance_transaction: `txn_${refund.id.slice(3)}`,
    charge: refund.chargeId,
    created: refund.created,
    currency: refund.currency,
    customer: null,
    customer_account: null,
    destination_details: { card: { type: "refund" }, type: "card" },
    metadata: { ...refund.metadata },
    payment_intent: refund.paymentIntentId,
    payment_method: null,
    reason: refund.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  };
}

export function renderCharge(charge: ChargeState, refunds: RefundState[]): JsonObject {
  const paid = charge.status === "succeeded";
  return {
    id: charge.id,
    object: "charge",
    amount: charge.amount,
    amount_captured: paid ? charge.amount : 0,
    amount_refunded: charge.amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: paid ? `txn_${charge.id.slice(3)}` : null,
    billing_details: {
      address: ADDRESS_NULLS,
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "DUETEXT SANDBOX",
    captured: paid,
    created: charge.created,
    currency: charge.currency,
    customer: null,
    description: null,
    disputed: charge.disputed,
    failure_balance_transaction: null,
    failure_code: charge.failureCode,
    failure_message: charge.failureMessage,
    fraud_details: {},
    livemode: false,
    metadata: { ...charge.metadata },
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: paid ? "approved_by_network" : "declined_by_network",
      reason: paid ? null : "generic_decline",
      risk_level: "normal",
      seller_message: paid ? "Payment complete." : "The bank did not return any further details.",
      type: paid ? "authorized" : "issuer_declined",
    },
    paid,
    payment_intent: charge.paymentIntentId,
    payment_method: `pm_${charge.paymentIntentId.slice(3)}`,
    payment_method_details:
      charge.paymentMethodType === "card"
        ? { card: { brand: "visa", country: "US", last4: paid ? "4242" : "0002" }, type: "card" }
        : { type: "us_bank_account", us_bank_account: { bank_name: "STRIPE TEST BANK" } },
    receipt_email: null,
    receipt_number: null,
    receipt_url: paid ? `https://pay.stripe.com/receipts/${charge.id}` : null,
    refunded: charge.amountRefunded >= charge.amount && charge.amount > 0,
    refunds: {
      object: "list",
      data: refunds.map(renderRefund),
      has_more: false,
      total_count: refunds.length,
      url: `/v1/charges/${charge.id}/refunds`,
    },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: charge.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export function renderDispute(dispute: DisputeState): JsonObject {
  return {
    id: dispute.id,
    object: "dispute",
    amount: dispute.amount,
    balance_transactions: [],
    charge: dispute.chargeId,
    created: dispute.created,
    currency: dispute.currency,
    enhanced_eligibility_types: [],
    evidence: {},
    evidence_details: {
      due_by: dispute.created + 7 * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: dispute.paymentIntentId,
    payment_method_details: { card: { brand: "visa", network_reason_code: "10.4" }, type: "card" },
    reason: dispute.reason,
    status: dispute.status,
  };
}

export interface EventRequest {
  id: string | null;
  idempotencyKey: string | null;
}

export function renderEvent(event: {
  id: string;
  type: string;
  created: number;
  object: JsonObject;
  previousAttributes: JsonObject | null;
  pendingWebhooks: number;
  request: EventRequest;
}): JsonObject {
  const data: JsonObject = { object: event.object };
  if (event.previousAttributes) {
    data.previous_attributes = event.previousAttributes;
  }
  return {
    id: event.id,
    object: "event",
    api_version: API_VERSION,
    created: event.created,
    data,
    livemode: false,
    pending_webhooks: event.pendingWebhooks,
    request: { id: event.request.id, idempotency_key: event.request.idempotencyKey },
    type: event.type,
  };
}

export interface StripeErrorBody {
  type:
    | "api_error"
    | "card_error"
    | "idempotency_error"
    | "invalid_request_error"
    | "rate_limit_error";
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
}

/** The wire shape of every Stripe error: `{ error: { type, code, message, param, doc_url } }`. */
export function renderError(error: StripeErrorBody, requestId: string): JsonObject {
  const body: JsonObject = { type: error.type, message: error.message };
  if (error.code !== undefined) {
    body.code = error.code;
    body.doc_url = `https://stripe.com/docs/error-codes/${error.code.replace(/_/g, "-")}`;
  }
  if (error.param !== undefined) {
    body.param = error.param;
  }
  if (error.decline_code !== undefined) {
    body.decline_code = error.decline_code;
  }
  body.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}`;
  return { error: body };
}
