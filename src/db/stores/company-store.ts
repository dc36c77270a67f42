import { eq, isNull, or, sql } from "drizzle-orm";
import type { Database } from "../client.js";
import {
  auditLog,
  companies,
  consentEvents,
  customers,
  inboundEvents,
  invoices,
  messages,
  outbox,
  payLinks,
  paymentPlans,
  payments,
  phones,
  promises,
  providerConnections,
  scripts,
  tasks,
  threads,
  threadTimers,
} from "../schema/index.js";

export class DrizzleCompanyStore {
  constructor(private readonly db: Database) {}

  async exists(companyId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: companies.id })
      .from(companies)
      .where(eq(companies.id, companyId));
    return row !== undefined;
  }

  /** Every thread's phone and top-level state (the sandbox console shows them). */
  threadStates(): Promise<Array<{ phone: string; state: string }>> {
    return this.db
      .select({ phone: threads.phone, state: threads.state })
      .from(threads)
      .orderBy(threads.phone);
  }

  /**
   * Everything the company has accumulated, gone, in one transaction; the company row stays
   * with default settings. The sandbox's reset: also drops webhooks no company claimed, since
   * a reset emulator may hand out the same provider ids again.
   */
  async resetCompanyData(companyId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Children before parents (foreign keys).
      for (const table of [
        auditLog,
        tasks,
        paymentPlans,
        promises,
        payments,
        payLinks,
        outbox,
        messages,
        threadTimers,
      ]) {
        await tx.delete(table).where(eq(table.companyId, companyId));
      }
      await tx.delete(threads).where(eq(threads.companyId, companyId));
      await tx
        .delete(inboundEvents)
        .where(or(eq(inboundEvents.companyId, companyId), isNull(inboundEvents.companyId)));
      for (const table of [
        consentEvents,
        scripts,
        invoices,
        phones,
        customers,
        providerConnections,
      ]) {
        await tx.delete(table).where(eq(table.companyId, companyId));
      }
      await tx.update(companies).set({ settings: {} }).where(eq(companies.id, companyId));
    });
  }

  /** Fills settings keys the company has not set (an admin's choices are never overwritten). */
  async fillSettings(companyId: string, defaults: Record<string, unknown>): Promise<void> {
    await this.db
      .update(companies)
      .set({ settings: sql`${JSON.stringify(defaults)}::jsonb || ${companies.settings}` })
      .where(eq(companies.id, companyId));
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
