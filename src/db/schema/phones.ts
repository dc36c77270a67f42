import { boolean, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, updatedAt } from "./columns.js";
import { companies } from "./companies.js";
import { customers } from "./customers.js";

export const phones = pgTable(
  "phones",
  {
    id: id("phone"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    customerId: text("customer_id").references(() => customers.id),
    e164: text("e164").notNull(),
    source: text("source", { enum: ["mobile", "primary", "alternate", "manual"] }).notNull(),
    isPreferred: boolean("is_preferred").notNull().default(false),
    lineType: text("line_type", { enum: ["mobile", "landline", "voip", "unknown"] }),
    lineTypeCheckedAt: timestamptz("line_type_checked_at"),
    /** Current consent, derived from consent_events (the ledger is the record). */
    consent: text("consent", { enum: ["subscribed", "opted_out"] })
      .notNull()
      .default("subscribed"),
    undeliverable: boolean("undeliverable").notNull().default(false),
    /** Consecutive transient delivery failures (30003): two in a row mark it undeliverable. */
    deliveryFailures: integer("delivery_failures").notNull().default(0),
    /** Why texts to this number are blocked (landline, invalid, unreachable), if they are. */
    smsBlockedReason: text("sms_blocked_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("phones_company_e164_key").on(table.companyId, table.e164),
    // An inbound text names only its number: which company's customer is it?
    index("phones_e164_idx").on(table.e164),
  ],
);
