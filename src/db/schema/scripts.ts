import { integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id } from "./columns.js";
import { companies } from "./companies.js";

/** Admin overrides of `prompts/` templates, versioned: the newest version per template wins. */
export const scripts = pgTable(
  "scripts",
  {
    id: id("script"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    templateId: text("template_id").notNull(),
    language: text("language", { enum: ["en", "es"] }).notNull(),
    version: integer("version").notNull(),
    body: text("body").notNull(),
    authorUserId: text("author_user_id"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("scripts_company_template_version_key").on(
      table.companyId,
      table.templateId,
      table.language,
      table.version,
    ),
  ],
);
