import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";

/**
 * Store-then-process inbox. UNIQUE(provider, external_id) makes a redelivery a no-op; the
 * status says whether the event was applied, rejected (bad input, with a reason) or
 * dead-lettered after repeated failures.
 */
export const inboundEvents = pgTable(
  "inbound_events",
  {
    id: id("inboundEvent"),
    companyId: text("company_id").references(() => companies.id),
    provider: text("provider").notNull(),
    externalId: text("external_id").notNull(),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<unknown>().notNull(),
    threadId: text("thread_id"),
    status: text("status", { enum: ["pending", "processed", "rejected", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    availableAt: timestamptz("available_at").notNull().defaultNow(),
    receivedAt: timestamptz("received_at").notNull(),
    processedAt: timestamptz("processed_at"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("inbound_events_provider_external_key").on(table.provider, table.externalId),
    index("inbound_events_pending_idx").on(table.status, table.availableAt),
  ],
);
