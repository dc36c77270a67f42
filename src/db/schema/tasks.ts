import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, updatedAt } from "./columns.js";
import { companies } from "./companies.js";
import { threads } from "./threads.js";

/** Staff work items: verify a payment, answer a dispute, take a hand-off, fix a phone. */
export const tasks = pgTable(
  "tasks",
  {
    id: id("task"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    threadId: text("thread_id").references(() => threads.id),
    reason: text("reason").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status", { enum: ["open", "in_progress", "done"] })
      .notNull()
      .default("open"),
    assignee: text("assignee"),
    slackMessageTs: text("slack_message_ts"),
    resolvedAt: timestamptz("resolved_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index("tasks_company_status_idx").on(table.companyId, table.status),
    // A thread's open tasks are looked up when it closes paid (the change statement).
    index("tasks_thread_status_idx").on(table.threadId, table.status),
  ],
);
