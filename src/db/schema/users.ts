import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz } from "./columns.js";
import { companies } from "./companies.js";

export const users = pgTable(
  "users",
  {
    id: id("user"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["admin", "staff", "viewer"] }).notNull(),
    passwordHash: text("password_hash"),
    slackUserId: text("slack_user_id"),
    createdAt: createdAt(),
    disabledAt: timestamptz("disabled_at"),
  },
  (table) => [uniqueIndex("users_company_email_key").on(table.companyId, table.email)],
);
