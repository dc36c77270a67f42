import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, updatedAt } from "./columns.js";

export const companies = pgTable("companies", {
  id: id("company"),
  name: text("name").notNull(),
  timeZone: text("time_zone").notNull().default("America/New_York"),
  defaultLanguage: text("default_language").notNull().default("en"),
  /** Sending mode, ladder, quiet hours, limits: validated by the app's settings schema. */
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  /** Set when the provider refuses our sender (30034): nothing is texted until cleared. */
  sendingPausedAt: timestamptz("sending_paused_at"),
  sendingPausedReason: text("sending_paused_reason"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
