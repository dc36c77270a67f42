import { text, timestamp } from "drizzle-orm/pg-core";
import { type IdKind, newId } from "../ids.js";

// Column helpers shared by every table: prefixed ids, company scoping, timestamptz.

export const id = (kind: IdKind) =>
  text("id")
    .primaryKey()
    .$defaultFn(() => newId(kind));

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const createdAt = () => timestamptz("created_at").notNull().defaultNow();
export const updatedAt = () => timestamptz("updated_at").notNull().defaultNow();
