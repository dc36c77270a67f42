import { jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { updatedAt } from "./columns.js";

/**
 * Where a catch-up over a provider's event list left off (e.g. Stripe's Events list). Keyed
 * by provider account rather than company: one Stripe account serves every company of a
 * deployment today, so its events cannot be split per company before they are read.
 */
export const providerCursors = pgTable(
  "provider_cursors",
  {
    provider: text("provider", { enum: ["stripe"] }).notNull(),
    /** The provider account the events belong to; "platform" for the deployment's own. */
    accountId: text("account_id").notNull().default("platform"),
    cursor: jsonb("cursor").$type<Record<string, unknown>>().notNull(),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.provider, table.accountId] })],
);
