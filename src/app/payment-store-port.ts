import type { OpenInvoice } from "../../machines/thread.context.js";
import type { MirroredInvoice } from "./pay-link-port.js";
import type { PaymentEventCursor } from "./payment-events-port.js";
import type { InvoiceFacts } from "./ports.js";

// Storage behind payment reconciliation: one `payments` row per Stripe PaymentIntent (the
// unique key that makes duplicate and redelivered events harmless), the invoice mirror it
// updates, and the cursor of the Stripe Events catch-up.

export type PaymentStatus = "succeeded" | "failed" | "refunded" | "disputed";

export interface StoredPayment {
  id: string;
  companyId: string;
  stripePaymentIntentId: string;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  /** Planned before the QuickBooks post, so a retry posts exactly what the first try did. */
  applications: Array<{ invoiceId: string; amountMinor: number }>;
  quickbooksPaymentId: string | null;
  writtenBackAt: Date | null;
}

export interface NewStripePayment {
  companyId: string;
  threadId: string;
  stripePaymentIntentId: string;
  amountMinor: number;
  currency: string;
  occurredAt: Date;
}

export interface ThreadPaymentFacts {
  companyId: string;
  phone: string;
  /** The customer's open invoices in our mirror (already updated for this payment). */
  openInvoices: OpenInvoice[];
}

export interface PaymentStore {
  /** The row for this PaymentIntent, created on first sight; never a second one. */
  recordStripePayment(payment: NewStripePayment): Promise<StoredPayment>;
  planApplications(paymentId: string, applications: StoredPayment["applications"]): Promise<void>;
  markWrittenBack(paymentId: string, quickbooksPaymentId: string, at: Date): Promise<void>;
  /**
   * Refund or dispute news about a payment we recorded; false when there is no such row. When
   * the status changes, `staffNotice` becomes a staff task and its Slack notice, once.
   */
  updateStatus(
    stripePaymentIntentId: string,
    status: PaymentStatus,
    staffNotice?: { reason: string; text: string; at: Date } | null,
  ): Promise<boolean>;

  /** Our invoices by id, within the company. */
  invoices(companyId: string, invoiceIds: string[]): Promise<MirroredInvoice[]>;
  /** Writes QuickBooks' current balances into our mirror (paid at zero, open above). */
  applyInvoiceFacts(companyId: string, facts: InvoiceFacts[], at: Date): Promise<void>;
  /** Marks spent every link over these invoices whose invoices are now all paid. */
  markPayLinksPaid(companyId: string, invoiceIds: string[], at: Date): Promise<void>;
  threadFacts(threadId: string): Promise<ThreadPaymentFacts | null>;
}

export interface PaymentEventCursorStore {
  read(): Promise<PaymentEventCursor | null>;
  /** Saves the cursor unless another pass already saved one further along. */
  save(cursor: PaymentEventCursor, at: Date): Promise<void>;
}
