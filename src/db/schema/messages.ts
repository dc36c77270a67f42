import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, updatedAt } from "./columns.js";
import { companies } from "./companies.js";
import { threads } from "./threads.js";

/** Every text in or out, with what the provider said about it. */
export const messages = pgTable(
  "messages",
  {
    id: id("message"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    threadId: text("thread_id")
      .notNull()
      .references(() => threads.id),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull(),
    kind: text("kind", {
      enum: ["reminder", "reply", "compliance", "staff", "customer"],
    }).notNull(),
    body: text("body").notNull(),
    template: text("template"),
    language: text("language"),
    segments: integer("segments"),
    encoding: text("encoding", { enum: ["GSM-7", "UCS-2"] }),
    fromNumber: text("from_number"),
    toNumber: text("to_number"),
    providerMessageId: text("provider_message_id"),
    status: text("status").notNull(),
    errorCode: text("error_code"),
    outboxId: text("outbox_id"),
    sentAt: timestamptz("sent_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index("messages_thread_idx").on(table.threadId, table.createdAt),
    uniqueIndex("messages_provider_message_key").on(table.providerMessageId),
  ],
);
