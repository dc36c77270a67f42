import { sql } from "drizzle-orm";
import { bigint, date, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, updatedAt } from "./columns.js";
import { companies } from "./companies.js";
import { customers } from "./customers.js";

/** Mirror of QuickBooks invoices; QuickBooks stays the source of truth and is re-read before sends. */
export const invoices = pgTable(
  "invoices",
  {
    id: id("invoice"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    quickbooksId: text("quickbooks_id").notNull(),
    docNumber: text("doc_number"),
    currency: text("currency").notNull(),
    totalMinor: bigint("total_minor", { mode: "number" }).notNull(),
    balanceMinor: bigint("balance_minor", { mode: "number" }).notNull(),
    dueDate: date("due_date", { mode: "string" }).notNull(),
    status: text("status", { enum: ["open", "paid", "voided", "disputed"] })
      .notNull()
      .default("open"),
    needsApproval: text("needs_approval", { enum: ["no", "pending", "approved"] })
      .notNull()
      .default("no"),
    /**
     * The ladder day (days after due; negative before) of the last reminder sent for this
     * invoice: a fact the pure ladder policy reads, set when the text leaves.
     */
    lastReminderDay: integer("last_reminder_day"),
    /** When the pre-send check last re-read this invoice from QuickBooks. */
    checkedAt: timestamptz("checked_at"),
    quickbooksSyncToken: text("quickbooks_sync_token"),
    quickbooksUpdatedAt: timestamptz("quickbooks_updated_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("invoices_company_quickbooks_key").on(table.companyId, table.quickbooksId),
    index("invoices_customer_idx").on(table.customerId, table.status),
    // The ladder's arming scan: open invoices changed since its last look.
    index("invoices_open_updated_idx").on(table.updatedAt).where(sql`${table.status} = 'open'`),
  ],
);
