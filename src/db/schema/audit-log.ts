import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";

/** Append-only record of every decision, message and change, for staff and exports. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: id("auditLog"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    threadId: text("thread_id"),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamptz("occurred_at").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("audit_log_company_time_idx").on(table.companyId, table.occurredAt)],
);
