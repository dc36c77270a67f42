import { boolean, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns.js";
import { companies } from "./companies.js";

export const customers = pgTable(
  "customers",
  {
    id: id("customer"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    quickbooksId: text("quickbooks_id"),
    displayName: text("display_name").notNull(),
    email: text("email"),
    language: text("language", { enum: ["en", "es"] }),
    timeZone: text("time_zone"),
    /** Billing address region (state), used for caps such as Massachusetts'. */
    region: text("region"),
    segment: text("segment", { enum: ["default", "recurring", "net60", "excluded"] })
      .notNull()
      .default("default"),
    flaggedForStaff: boolean("flagged_for_staff").notNull().default(false),
    flagReason: text("flag_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("customers_company_quickbooks_key").on(table.companyId, table.quickbooksId),
  ],
);
