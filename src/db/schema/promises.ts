import { date, index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";
import { threads } from "./threads.js";

export const promises = pgTable(
  "promises",
  {
    id: id("promise"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    threadId: text("thread_id")
      .notNull()
      .references(() => threads.id),
    promisedDate: date("promised_date", { mode: "string" }).notNull(),
    invoiceIds: text("invoice_ids").array().notNull(),
    status: text("status", { enum: ["open", "kept", "broken", "superseded"] })
      .notNull()
      .default("open"),
    madeAt: timestamptz("made_at").notNull(),
    resolvedAt: timestamptz("resolved_at"),
    createdAt: createdAt(),
  },
  (table) => [index("promises_thread_idx").on(table.threadId, table.madeAt)],
);
