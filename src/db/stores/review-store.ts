import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { HeldReminder, InvoiceAwaitingApproval, ReviewStore } from "../../app/review-queue.js";
import type { CompanySettings } from "../../domain/company-settings.js";
import type { Database } from "../client.js";
import { companies, customers, invoices, outbox, threads } from "../schema/index.js";
import { checkLadderNow } from "./ladder-marks.js";

export class DrizzleReviewStore implements ReviewStore {
  constructor(private readonly db: Database) {}

  companyIds(): Promise<Array<{ id: string; name: string }>> {
    return this.db
      .select({ id: companies.id, name: companies.name })
      .from(companies)
      .orderBy(asc(companies.createdAt));
  }

  async heldReminders(companyId: string): Promise<HeldReminder[]> {
    const rows = await this.db
      .select({
        outboxId: outbox.id,
        threadId: outbox.threadId,
        phone: threads.phone,
        payload: outbox.payload,
        lapsesAt: outbox.availableAt,
        createdAt: outbox.createdAt,
      })
      .from(outbox)
      .leftJoin(threads, eq(threads.id, outbox.threadId))
      .where(and(eq(outbox.companyId, companyId), eq(outbox.status, "held")))
      .orderBy(asc(outbox.createdAt));
    return rows.map((row) => {
      const vars = (row.payload.vars ?? {}) as Record<string, string>;
      return {
        outboxId: row.outboxId,
        threadId: row.threadId,
        phone: row.phone,
        template: String(row.payload.template ?? ""),
        language: String(row.payload.language ?? ""),
        invoiceIds: (vars.invoiceIds ?? "").split(",").filter((id) => id !== ""),
        lapsesAt: row.lapsesAt,
        createdAt: row.createdAt,
      };
    });
  }

  async approveHeld(companyId: string, outboxIds: string[] | null, now: Date): Promise<number> {
    const released = await this.db
      .update(outbox)
      .set({ status: "pending", availableAt: now, lastError: null })
      .where(heldOf(companyId, outboxIds))
      .returning({ id: outbox.id });
    return released.length;
  }

  async rejectHeld(companyId: string, outboxIds: string[] | null, now: Date): Promise<number> {
    const rejected = await this.db
      .update(outbox)
      .set({ status: "skipped", completedAt: now, lastError: "rejected in review" })
      .where(heldOf(companyId, outboxIds))
      .returning({ id: outbox.id });
    // A rejected rung stays used: staff decided against that text, not against the ladder.
    return rejected.length;
  }

  async invoicesAwaitingApproval(companyId: string): Promise<InvoiceAwaitingApproval[]> {
    return this.db
      .select({
        invoiceId: invoices.id,
        number: invoices.docNumber,
        customerName: customers.displayName,
        balanceMinor: invoices.balanceMinor,
        currency: invoices.currency,
        dueDate: invoices.dueDate,
      })
      .from(invoices)
      .innerJoin(customers, eq(customers.id, invoices.customerId))
      .where(
        and(
          eq(invoices.companyId, companyId),
          eq(invoices.needsApproval, "pending"),
          eq(invoices.status, "open"),
        ),
      )
      .orderBy(asc(invoices.dueDate));
  }

  async approveInvoice(companyId: string, invoiceId: string, now: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [approved] = await tx
        .update(invoices)
        .set({ needsApproval: "approved", updatedAt: sql`now()` })
        .where(
          and(
            eq(invoices.companyId, companyId),
            eq(invoices.id, invoiceId),
            eq(invoices.needsApproval, "pending"),
          ),
        )
        .returning({ customerId: invoices.customerId });
      if (!approved) {
        return false;
      }
      const customerThreads = await tx
        .select({ id: threads.id })
        .from(threads)
        .where(and(eq(threads.companyId, companyId), eq(threads.customerId, approved.customerId)));
      await checkLadderNow(
        tx,
        customerThreads.map((thread) => thread.id),
        now,
      );
      return true;
    });
  }

  async readSettings(companyId: string): Promise<unknown> {
    const [row] = await this.db
      .select({ settings: companies.settings })
      .from(companies)
      .where(eq(companies.id, companyId));
    return row?.settings ?? null;
  }

  async writeSettings(companyId: string, settings: CompanySettings): Promise<void> {
    await this.db
      .update(companies)
      .set({ settings: settings as unknown as Record<string, unknown>, updatedAt: sql`now()` })
      .where(eq(companies.id, companyId));
  }
}

function heldOf(companyId: string, outboxIds: string[] | null) {
  return and(
    eq(outbox.companyId, companyId),
    eq(outbox.status, "held"),
    outboxIds === null ? undefined : inArray(outbox.id, outboxIds),
  );
}
