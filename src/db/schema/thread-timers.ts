import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";
import { threads } from "./threads.js";

/**
 * Timers are rows, never XState delays (those are not restored from snapshots). One row per
 * (thread, key): rescheduling is an upsert, cancelling a status change in the same transaction.
 */
export const threadTimers = pgTable(
  "thread_timers",
  {
    id: id("threadTimer"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    threadId: text("thread_id")
      .notNull()
      .references(() => threads.id),
    key: text("key").notNull(),
    dueAt: timestamptz("due_at").notNull(),
    status: text("status", { enum: ["pending", "fired", "cancelled"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    firedAt: timestamptz("fired_at"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("thread_timers_thread_key_key").on(table.threadId, table.key),
    index("thread_timers_due_idx").on(table.status, table.dueAt),
  ],
);
