import { bigint, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";

/** Payments seen from Stripe or QuickBooks, and their write-back to QuickBooks. */
export const payments = pgTable(
  "payments",
  {
    id: id("payment"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    source: text("source", { enum: ["stripe", "quickbooks"] }).notNull(),
    stripePaymentIntentId: text("stripe_payment_intent_id"),
    stripeCheckoutSessionId: text("stripe_checkout_session_id"),
    quickbooksPaymentId: text("quickbooks_payment_id"),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: ["succeeded", "failed", "refunded", "disputed"] }).notNull(),
    /** Which invoices received how much, oldest first. */
    applications: jsonb("applications")
      .$type<Array<{ invoiceId: string; amountMinor: number }>>()
      .notNull()
      .default([]),
    threadId: text("thread_id"),
    occurredAt: timestamptz("occurred_at").notNull(),
    writtenBackAt: timestamptz("written_back_at"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("payments_stripe_intent_key").on(table.stripePaymentIntentId),
    uniqueIndex("payments_quickbooks_payment_key").on(table.companyId, table.quickbooksPaymentId),
  ],
);
