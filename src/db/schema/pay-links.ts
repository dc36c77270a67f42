import { bigint, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";
import { threads } from "./threads.js";

/** `/p/:token` links. Only a SHA-256 of the token is stored; the token itself is unguessable. */
export const payLinks = pgTable(
  "pay_links",
  {
    id: id("payLink"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    threadId: text("thread_id").references(() => threads.id),
    purpose: text("purpose", { enum: ["pay", "invoice_copy", "installment"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invoiceIds: text("invoice_ids").array().notNull(),
    installmentNumber: text("installment_number"),
    /**
     * What the link asks for (an installment), capped at the live balance; null asks for the
     * whole live balance of its invoices.
     */
    amountMinor: bigint("amount_minor", { mode: "number" }),
    expiresAt: timestamptz("expires_at").notNull(),
    usedAt: timestamptz("used_at"),
    stripeSessionId: text("stripe_session_id"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("pay_links_token_hash_key").on(table.tokenHash),
    index("pay_links_thread_idx").on(table.threadId),
  ],
);
