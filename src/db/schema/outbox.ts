import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";
import { threads } from "./threads.js";

/**
 * Effects waiting to reach a provider, committed with the snapshot that produced them.
 * `sending` is written before the provider call; a row found in `sending` after its lease is
 * reconciled with the provider, never blindly re-sent. `held` rows wait for staff approval
 * (review-before-send) and are never claimed by the dispatcher.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: id("outbox"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    threadId: text("thread_id").references(() => threads.id),
    effectType: text("effect_type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["held", "pending", "sending", "sent", "failed", "skipped"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    availableAt: timestamptz("available_at").notNull(),
    claimedAt: timestamptz("claimed_at"),
    completedAt: timestamptz("completed_at"),
    providerRef: text("provider_ref"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    lastError: text("last_error"),
    /** The inbound event or timer whose transition produced this effect. */
    causationId: text("causation_id"),
    createdAt: createdAt(),
  },
  (table) => [
    index("outbox_due_idx").on(table.status, table.availableAt),
    index("outbox_thread_idx").on(table.threadId, table.createdAt),
  ],
);
