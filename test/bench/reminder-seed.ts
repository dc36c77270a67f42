import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import type { BenchQuickBooksCompany } from "./bench-quickbooks-company.js";

// Bulk seed for the reminder benchmarks: customer i has one Austin mobile (line type already
// checked), one open invoice and a thread with its ladder timer, in set-based SQL chunks.
// Due threads have an invoice due today and a timer due now; the others were checked
// already (fired_at after their invoices changed) and wait for a rung weeks away, so neither
// the claim nor the arming scan has a reason to touch them.

const CHUNK = 20_000;
export const INVOICE_AMOUNT_MINOR = 12_500;

export interface SeedSlice {
  companyId: string;
  /** First index (inclusive) and how many customers, threads and invoices to add. */
  from: number;
  count: number;
  due: boolean;
  /** The app's clock: due timers are due a minute before it. */
  now: Date;
  /** The due date of a due thread's invoice (a rung today); others are due 30 days later. */
  dueDate: string;
}

export const customerQuickbooksId = (index: number) => String(5_000_000 + index);
export const invoiceQuickbooksId = (index: number) => String(1_000_000 + index);
/** Austin numbers (+1 512), one per customer, distinct for any index below 8,000,000. */
export const benchPhone = (index: number) => `+1512${2_000_000 + index}`;

export async function seedReminderSlice(db: Database, slice: SeedSlice): Promise<void> {
  for (let start = slice.from; start < slice.from + slice.count; start += CHUNK) {
    const end = Math.min(slice.from + slice.count, start + CHUNK) - 1;
    await seedChunk(db, slice, start, end);
  }
}

async function seedChunk(db: Database, slice: SeedSlice, first: number, last: number) {
  const { companyId } = slice;
  const range = sql`generate_series(${first}::int, ${last}::int) as g`;
  const dueDate = slice.due ? slice.dueDate : plusDays(slice.dueDate, 30);
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into customers (id, company_id, quickbooks_id, display_name, region)
      select 'cu_bench' || g, ${companyId}, (5000000 + g)::text, 'Bench Customer ' || g, 'TX'
      from ${range}`);
    await tx.execute(sql`
      insert into phones (id, company_id, customer_id, e164, source, is_preferred, line_type,
                          line_type_checked_at)
      select 'ph_bench' || g, ${companyId}, 'cu_bench' || g, '+1512' || (2000000 + g)::text,
             'mobile', true, 'mobile', now()
      from ${range}`);
    await tx.execute(sql`
      insert into invoices (id, company_id, customer_id, quickbooks_id, doc_number, currency,
                            total_minor, balance_minor, due_date, status)
      select 'iv_bench' || g, ${companyId}, 'cu_bench' || g, (1000000 + g)::text, 'B' || g,
             'USD', ${INVOICE_AMOUNT_MINOR}::bigint, ${INVOICE_AMOUNT_MINOR}::bigint,
             ${dueDate}::date, 'open'
      from ${range}`);
    await tx.execute(sql`
      insert into threads (id, company_id, customer_id, phone, state, machine_version)
      select 'th_bench' || g, ${companyId}, 'cu_bench' || g, '+1512' || (2000000 + g)::text,
             'new', 0
      from ${range}`);
  });
  // A later transaction than the invoices': fired_at (database time) is then after their
  // updated_at, as for a ladder that was checked since its invoices last changed.
  // An ISO string, not a Date: raw SQL parameters reach postgres.js unserialised.
  const timerDueAt = new Date(
    slice.now.getTime() + (slice.due ? -60_000 : 21 * 86_400_000),
  ).toISOString();
  await db.execute(sql`
    insert into thread_timers (id, company_id, thread_id, key, due_at, status, fired_at)
    select 'tt_bench' || g, ${companyId}, 'th_bench' || g, 'reminder', ${timerDueAt}::timestamptz,
           'pending', now()
    from ${range}`);
}

/** The same customers and open invoices in the QuickBooks emulator, so the check reads them. */
export function seedQuickBooksSlice(company: BenchQuickBooksCompany, slice: SeedSlice): void {
  const dueDate = slice.due ? slice.dueDate : plusDays(slice.dueDate, 30);
  for (let index = slice.from; index < slice.from + slice.count; index += 1) {
    const customerId = customerQuickbooksId(index);
    company.addCustomer(customerId, `Bench Customer ${index}`, benchPhone(index));
    company.addInvoice({
      id: invoiceQuickbooksId(index),
      customerId,
      docNumber: `B${index}`,
      amountMinor: INVOICE_AMOUNT_MINOR,
      dueDate,
      txnDate: plusDays(dueDate, -30),
    });
  }
}

/** Runs ANALYZE, as autovacuum would soon after a bulk load: plans then see the real sizes. */
export async function analyze(db: Database): Promise<void> {
  await db.execute(sql`analyze`);
}

function plusDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}
