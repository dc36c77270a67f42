import { and, eq, inArray, sql } from "drizzle-orm";
import type {
  ImportedCustomer,
  ImportedInvoice,
  QuickBooksSyncStore,
} from "../../app/quickbooks-import.js";
import { toE164 } from "../../domain/phone.js";
import type { Database } from "../client.js";
import { customers, invoices, phones } from "../schema/index.js";

// Upserts for the QuickBooks import, keyed by (company, QuickBooks id) so a re-run or a resumed
// run updates rather than duplicates. Rows go in chunks to stay far below the bind-parameter
// limit of one statement.

const CHUNK = 500;

export class DrizzleQuickBooksImportStore implements QuickBooksSyncStore {
  constructor(private readonly db: Database) {}

  async upsertCustomers(companyId: string, rows: ImportedCustomer[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      const written = await this.db
        .insert(customers)
        .values(
          chunk.map((row) => ({
            companyId,
            quickbooksId: row.quickbooksId,
            displayName: row.displayName,
            email: row.email,
            region: row.region,
            language: row.language,
          })),
        )
        .onConflictDoUpdate({
          target: [customers.companyId, customers.quickbooksId],
          set: {
            displayName: sql`excluded.display_name`,
            // A stub (from an invoice of an inactive customer) must not erase known details.
            email: sql`coalesce(excluded.email, ${customers.email})`,
            region: sql`coalesce(excluded.region, ${customers.region})`,
            language: sql`coalesce(excluded.language, ${customers.language})`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ id: customers.id, quickbooksId: customers.quickbooksId });
      for (const row of written) {
        if (row.quickbooksId !== null) {
          ids.set(row.quickbooksId, row.id);
        }
      }
    }
    await this.upsertPhones(companyId, rows, ids);
    return ids;
  }

  /** Each customer's numbers in E.164; the first (Mobile when QuickBooks has one) is preferred. */
  private async upsertPhones(
    companyId: string,
    rows: ImportedCustomer[],
    ids: Map<string, string>,
  ) {
    const values = rows.flatMap((row) => {
      const customerId = ids.get(row.quickbooksId);
      const numbers = [
        ...new Set(row.phoneNumbers.map((raw) => toE164(raw)).filter((e164) => e164 !== null)),
      ];
      return customerId
        ? numbers.map((e164, index) => ({
            companyId,
            customerId,
            e164,
            source: index === 0 ? ("primary" as const) : ("alternate" as const),
            isPreferred: index === 0,
          }))
        : [];
    });
    for (let start = 0; start < values.length; start += CHUNK) {
      await this.db
        .insert(phones)
        .values(values.slice(start, start + CHUNK))
        .onConflictDoUpdate({
          target: [phones.companyId, phones.e164],
          set: { customerId: sql`excluded.customer_id`, updatedAt: sql`now()` },
        });
    }
  }

  async upsertInvoices(
    companyId: string,
    rows: Array<ImportedInvoice & { customerId: string }>,
  ): Promise<void> {
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      await this.db
        .insert(invoices)
        .values(
          chunk.map((row) => ({
            companyId,
            customerId: row.customerId,
            quickbooksId: row.quickbooksId,
            docNumber: row.docNumber,
            currency: row.currency,
            totalMinor: row.totalMinor,
            balanceMinor: row.balanceMinor,
            dueDate: row.dueDate,
            status: statusOf(row),
            quickbooksSyncToken: row.syncToken,
            quickbooksUpdatedAt: row.updatedAt,
          })),
        )
        .onConflictDoUpdate({
          target: [invoices.companyId, invoices.quickbooksId],
          set: {
            customerId: sql`excluded.customer_id`,
            docNumber: sql`excluded.doc_number`,
            currency: sql`excluded.currency`,
            totalMinor: sql`excluded.total_minor`,
            balanceMinor: sql`excluded.balance_minor`,
            dueDate: sql`excluded.due_date`,
            // A dispute is ours, not QuickBooks': it survives a re-import while still unpaid.
            status: sql`case when ${invoices.status} = 'disputed' and excluded.status = 'open' then 'disputed' else excluded.status end`,
            quickbooksSyncToken: sql`excluded.quickbooks_sync_token`,
            quickbooksUpdatedAt: sql`excluded.quickbooks_updated_at`,
            updatedAt: sql`now()`,
          },
          // QuickBooks bumps SyncToken on every change: an unchanged invoice seen again (a
          // repeated notice, an overlapping CDC window) is left alone, so it does not look
          // changed to the ladder and cost another pre-send read.
          setWhere: sql`${invoices.quickbooksSyncToken} is distinct from excluded.quickbooks_sync_token`,
        });
    }
  }

  markInvoicesVoided(companyId: string, quickbooksIds: string[]): Promise<void> {
    return markVoided(this.db, companyId, quickbooksIds);
  }
}

/** Deleted in QuickBooks: nothing is owed any more, so reminders must stop. */
async function markVoided(db: Database, companyId: string, quickbooksIds: string[]) {
  if (quickbooksIds.length === 0) {
    return;
  }
  await db
    .update(invoices)
    .set({ status: "voided", balanceMinor: 0, updatedAt: sql`now()` })
    .where(and(eq(invoices.companyId, companyId), inArray(invoices.quickbooksId, quickbooksIds)));
}

function statusOf(invoice: ImportedInvoice): "open" | "paid" | "voided" {
  if (invoice.voided) {
    return "voided";
  }
  return invoice.balanceMinor > 0 ? "open" : "paid";
}
