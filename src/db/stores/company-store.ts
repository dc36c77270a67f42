import { eq } from "drizzle-orm";
import type { Database } from "../client.js";
import { companies } from "../schema/index.js";

export class DrizzleCompanyStore {
  constructor(private readonly db: Database) {}

  async exists(companyId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: companies.id })
      .from(companies)
      .where(eq(companies.id, companyId));
    return row !== undefined;
  }

  /** The company with this name, created on first use (the sandbox's demo company). */
  async findOrCreate(name: string, timeZone: string): Promise<string> {
    const [existing] = await this.db
      .select({ id: companies.id })
      .from(companies)
      .where(eq(companies.name, name));
    if (existing) {
      return existing.id;
    }
    const [created] = await this.db
      .insert(companies)
      .values({ name, timeZone })
      .returning({ id: companies.id });
    if (!created) {
      throw new Error(`Company ${name} could not be created`);
    }
    return created.id;
  }
}
