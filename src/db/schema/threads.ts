import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, updatedAt } from "./columns.js";
import { companies } from "./companies.js";
import { customers } from "./customers.js";

/** One conversation per (company, customer phone): the persisted thread machine. */
export const threads = pgTable(
  "threads",
  {
    id: id("thread"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    customerId: text("customer_id").references(() => customers.id),
    phone: text("phone").notNull(),
    /** Top-level machine state, denormalised from the snapshot for queries and the inbox. */
    state: text("state").notNull(),
    /** Null until the first event is applied. */
    snapshot: jsonb("snapshot").$type<Record<string, unknown>>(),
    machineVersion: integer("machine_version").notNull(),
    /** Incremented by every applied event: optimistic readers and tests rely on it. */
    version: integer("version").notNull().default(0),
    nextTimerAt: timestamptz("next_timer_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("threads_company_phone_key").on(table.companyId, table.phone),
    index("threads_customer_idx").on(table.customerId),
  ],
);
