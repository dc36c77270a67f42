import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";
import { threads } from "./threads.js";

export const paymentPlans = pgTable(
  "payment_plans",
  {
    id: id("paymentPlan"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    threadId: text("thread_id")
      .notNull()
      .references(() => threads.id),
    currency: text("currency").notNull(),
    invoiceIds: text("invoice_ids").array().notNull(),
    installments: jsonb("installments")
      .$type<Array<{ number: number; dueDate: string; amountMinor: number; paidMinor: number }>>()
      .notNull(),
    status: text("status", { enum: ["active", "completed", "defaulted", "cancelled"] })
      .notNull()
      .default("active"),
    agreedAt: timestamptz("agreed_at").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("payment_plans_thread_idx").on(table.threadId)],
);
