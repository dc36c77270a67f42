import { index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";

/** Append-only ledger: every opt-in and opt-out, with its source and the words used. */
export const consentEvents = pgTable(
  "consent_events",
  {
    id: id("consentEvent"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    e164: text("e164").notNull(),
    change: text("change", { enum: ["opt_in", "opt_out"] }).notNull(),
    source: text("source", {
      enum: ["sms", "staff", "web", "carrier", "wrong_number", "import"],
    }).notNull(),
    text: text("text"),
    language: text("language"),
    occurredAt: timestamptz("occurred_at").notNull(),
    threadId: text("thread_id"),
    createdAt: createdAt(),
  },
  (table) => [
    index("consent_events_company_phone_idx").on(table.companyId, table.e164, table.occurredAt),
  ],
);
