// What reconciliation needs from the payment provider besides creating Checkout Sessions
// (ports.ts): catching up on events that webhooks missed, and re-reading an object by id,
// because webhooks arrive out of order and an event's snapshot may already be stale.

/** The metadata keys createCheckout puts on the Checkout Session and its PaymentIntent. */
export const PAYMENT_METADATA = {
  companyId: "company_id",
  threadId: "thread_id",
  /** Our invoice ids, comma-separated. */
  invoiceIds: "invoice_ids",
} as const;

export interface PaymentReference {
  companyId: string;
  threadId: string;
  invoiceIds: string[];
}

/** Reads our reference back from a session's or PaymentIntent's metadata; null if absent. */
export function readPaymentReference(
  metadata: Record<string, string | undefined> | null | undefined,
): PaymentReference | null {
  const companyId = metadata?.[PAYMENT_METADATA.companyId];
  const threadId = metadata?.[PAYMENT_METADATA.threadId];
  const invoiceIds = metadata?.[PAYMENT_METADATA.invoiceIds];
  if (!companyId || !threadId || invoiceIds === undefined) {
    return null;
  }
  return {
    companyId,
    threadId,
    invoiceIds: invoiceIds.split(",").filter((id) => id !== ""),
  };
}

/**
 * Where a catch-up left off: the creation second of the newest event seen and the ids seen
 * in that second (several events can share one second, so `created > x` alone would skip
 * some and `created >= x` alone would repeat some).
 */
export interface PaymentEventCursor {
  createdAt: number;
  seenIds: string[];
}

/** A cursor that starts catching up at `since`. */
export function paymentEventCursorAt(since: Date): PaymentEventCursor {
  return { createdAt: Math.floor(since.getTime() / 1000), seenIds: [] };
}

export interface ProviderPaymentEvent {
  id: string;
  type: string;
  createdAt: Date;
  /** The event exactly as the provider renders it: what a webhook would have delivered. */
  payload: Record<string, unknown>;
}

export interface CheckoutSessionFacts {
  id: string;
  /** `open`, `complete` or `expired` (Stripe may add values; treat unknown ones as unpaid). */
  status: string;
  /** `paid`, `unpaid` or `no_payment_required`: only `paid` means the money arrived. */
  paymentStatus: string;
  amountTotalMinor: number | null;
  /** Upper-case ISO code, as elsewhere in the app. */
  currency: string | null;
  paymentIntentId: string | null;
  reference: PaymentReference | null;
  expiresAt: Date;
}

export interface PaymentIntentFacts {
  id: string;
  status: string;
  amountMinor: number;
  amountReceivedMinor: number;
  amountRefundedMinor: number;
  disputed: boolean;
  currency: string;
  reference: PaymentReference | null;
  latestChargeId: string | null;
}

export interface PaymentEvents {
  /**
   * Events created at or after the cursor that it has not seen, oldest first, with the
   * cursor to pass next time. Pages through the provider's list as far as needed.
   */
  eventsSince(
    cursor: PaymentEventCursor,
    options?: { types?: string[] },
  ): Promise<{ events: ProviderPaymentEvent[]; cursor: PaymentEventCursor }>;
  retrieveCheckoutSession(id: string): Promise<CheckoutSessionFacts>;
  retrievePaymentIntent(id: string): Promise<PaymentIntentFacts>;
}
