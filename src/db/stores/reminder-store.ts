import { and, asc, desc, eq, gte, inArray, lte, ne, sql } from "drizzle-orm";
import { TIMER_KEYS } from "../../../machines/thread.machine.js";
import type { InvoiceFacts } from "../../app/ports.js";
import type {
  DueReminder,
  ReminderInvoice,
  ReminderStore,
  ReminderThreadFacts,
} from "../../app/reminder-port.js";
import type { Database } from "../client.js";
import {
  companies,
  customers,
  invoices,
  outbox,
  phones,
  threads,
  threadTimers,
} from "../schema/index.js";
import { giveBackLadderRungs } from "./ladder-marks.js";
import { firstRow, rowCount } from "./raw-rows.js";

const KEY = TIMER_KEYS.reminder;
/** Transactions still open when a watermark is taken commit "in the past": look back a little. */
const WATERMARK_OVERLAP_MS = 5_000;
/** How long after it was paid off an invoice still counts as a fresh payment for its thread. */
const PAID_LOOKBACK_DAYS = 30;

export class DrizzleReminderStore implements ReminderStore {
  constructor(private readonly db: Database) {}

  async claimDue(now: Date, limit: number, leaseUntil: Date): Promise<DueReminder[]> {
    return this.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: threadTimers.id })
        .from(threadTimers)
        .where(
          and(
            eq(threadTimers.key, KEY),
            eq(threadTimers.status, "pending"),
            lte(threadTimers.dueAt, now),
          ),
        )
        .orderBy(asc(threadTimers.dueAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      if (due.length === 0) {
        return [];
      }
      const claimed = await tx
        .update(threadTimers)
        .set({ dueAt: leaseUntil })
        .where(
          inArray(
            threadTimers.id,
            due.map((row) => row.id),
          ),
        )
        .returning({
          timerId: threadTimers.id,
          threadId: threadTimers.threadId,
          companyId: threadTimers.companyId,
        });
      const phonesById = new Map(
        (
          await tx
            .select({ id: threads.id, phone: threads.phone })
            .from(threads)
            .where(
              inArray(
                threads.id,
                claimed.map((row) => row.threadId),
              ),
            )
        ).map((row) => [row.id, row.phone]),
      );
      return claimed.map((row) => ({ ...row, phone: phonesById.get(row.threadId) ?? "" }));
    });
  }

  async loadFacts(threadIds: string[]): Promise<ReminderThreadFacts[]> {
    if (threadIds.length === 0) {
      return [];
    }
    const rows = await this.db
      .select({
        threadId: threads.id,
        companyId: threads.companyId,
        phone: threads.phone,
        threadState: threads.state,
        companyName: companies.name,
        companyTimeZone: companies.timeZone,
        companySettings: companies.settings,
        sendingPausedReason: companies.sendingPausedReason,
        phoneCustomerId: phones.customerId,
        consent: phones.consent,
        lineType: phones.lineType,
        undeliverable: phones.undeliverable,
        smsBlockedReason: phones.smsBlockedReason,
      })
      .from(threads)
      .innerJoin(companies, eq(companies.id, threads.companyId))
      .leftJoin(
        phones,
        and(eq(phones.companyId, threads.companyId), eq(phones.e164, threads.phone)),
      )
      .where(inArray(threads.id, threadIds));
    const customerIds = [
      ...new Set(rows.flatMap((row) => (row.phoneCustomerId ? [row.phoneCustomerId] : []))),
    ];
    const customerRows =
      customerIds.length === 0
        ? []
        : await this.db.select().from(customers).where(inArray(customers.id, customerIds));
    const openRows =
      customerIds.length === 0
        ? []
        : await this.db
            .select()
            .from(invoices)
            .where(and(inArray(invoices.customerId, customerIds), eq(invoices.status, "open")))
            .orderBy(asc(invoices.dueDate));
    // "Two months in a row": the customer's most recently due invoice that is no longer open.
    const lateRows =
      customerIds.length === 0
        ? []
        : await this.db
            .selectDistinctOn([invoices.customerId], {
              customerId: invoices.customerId,
              day: invoices.lastReminderDay,
            })
            .from(invoices)
            .where(and(inArray(invoices.customerId, customerIds), ne(invoices.status, "open")))
            .orderBy(invoices.customerId, desc(invoices.dueDate));
    // Paid off lately, as opposed to voided or deleted: the thread thanks the customer for a
    // payment of one it was chasing. Older ones no thread can still be chasing.
    const paidRows =
      customerIds.length === 0
        ? []
        : await this.db
            .select({ id: invoices.id, customerId: invoices.customerId })
            .from(invoices)
            .where(
              and(
                inArray(invoices.customerId, customerIds),
                eq(invoices.status, "paid"),
                gte(
                  invoices.updatedAt,
                  sql`now() - interval '${sql.raw(String(PAID_LOOKBACK_DAYS))} days'`,
                ),
              ),
            );
    const paidByCustomer = new Map<string, string[]>();
    for (const row of paidRows) {
      paidByCustomer.set(row.customerId, [...(paidByCustomer.get(row.customerId) ?? []), row.id]);
    }
    const customersById = new Map(customerRows.map((row) => [row.id, row]));
    const lateByCustomer = new Map(lateRows.map((row) => [row.customerId, row.day]));
    const openByCustomer = new Map<string, ReminderInvoice[]>();
    for (const row of openRows) {
      const list = openByCustomer.get(row.customerId) ?? [];
      list.push({
        id: row.id,
        quickbooksId: row.quickbooksId,
        docNumber: row.docNumber,
        currency: row.currency,
        balanceMinor: row.balanceMinor,
        dueDate: row.dueDate,
        lastReminderDay: row.lastReminderDay,
        needsApproval: row.needsApproval,
      });
      openByCustomer.set(row.customerId, list);
    }
    return rows.map((row) => {
      const customer = row.phoneCustomerId ? customersById.get(row.phoneCustomerId) : undefined;
      return {
        threadId: row.threadId,
        companyId: row.companyId,
        phone: row.phone,
        threadState: row.threadState,
        company: {
          name: row.companyName,
          timeZone: row.companyTimeZone,
          settings: row.companySettings,
          sendingPausedReason: row.sendingPausedReason,
        },
        customer: customer
          ? {
              id: customer.id,
              quickbooksId: customer.quickbooksId,
              segment: customer.segment,
              timeZone: customer.timeZone,
              region: customer.region,
            }
          : null,
        phoneFacts:
          row.consent === null
            ? null
            : {
                consent: row.consent,
                lineType: row.lineType,
                undeliverable: row.undeliverable ?? false,
                smsBlockedReason: row.smsBlockedReason,
              },
        invoices: customer ? (openByCustomer.get(customer.id) ?? []) : [],
        previousLateDay: customer ? (lateByCustomer.get(customer.id) ?? null) : null,
        paidInvoiceIds: customer ? (paidByCustomer.get(customer.id) ?? []) : [],
      };
    });
  }

  async refreshInvoices(
    companyId: string,
    facts: InvoiceFacts[],
    missingQuickbooksIds: string[],
    now: Date,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const fact of facts) {
        await tx
          .update(invoices)
          .set({
            docNumber: fact.docNumber,
            currency: fact.currency,
            totalMinor: fact.totalMinor,
            balanceMinor: fact.balanceMinor,
            dueDate: fact.dueDate,
            status: fact.voided ? "voided" : fact.balanceMinor === 0 ? "paid" : "open",
            checkedAt: now,
            updatedAt: sql`now()`,
          })
          .where(
            and(eq(invoices.companyId, companyId), eq(invoices.quickbooksId, fact.quickbooksId)),
          );
      }
      if (missingQuickbooksIds.length > 0) {
        await tx
          .update(invoices)
          .set({ status: "voided", checkedAt: now, updatedAt: sql`now()` })
          .where(
            and(
              eq(invoices.companyId, companyId),
              inArray(invoices.quickbooksId, missingQuickbooksIds),
            ),
          );
      }
    });
  }

  async rescheduleTimer(timerId: string, at: Date | null): Promise<void> {
    await this.db
      .update(threadTimers)
      // fired_at records when the ladder was last checked (database time, like invoices'
      // updated_at): arming compares the two.
      .set(
        at === null
          ? { status: "fired", firedAt: sql`now()` }
          : { dueAt: at, attempts: 0, lastError: null, firedAt: sql`now()` },
      )
      .where(and(eq(threadTimers.id, timerId), eq(threadTimers.status, "pending")));
  }

  async armReminderTimers(
    now: Date,
    changedSince: Date | null,
  ): Promise<{ armed: number; watermark: Date }> {
    return this.db.transaction(async (tx) => {
      const clock = await tx.execute(sql`select now() as at`);
      const dbNow = new Date(String(firstRow(clock)?.at ?? new Date().toISOString()));
      // Raw SQL gets instants as ISO text: postgres.js does not serialize Date parameters there.
      const at = now.toISOString();
      const changed = changedSince
        ? sql`and i.updated_at >= ${changedSince.toISOString()}::timestamptz`
        : sql``;
      // One thread per customer: the preferred phone, else the mobile, else the oldest.
      await tx.execute(sql`
        insert into threads (id, company_id, customer_id, phone, state, machine_version)
        select 'th_' || replace(gen_random_uuid()::text, '-', ''), p.company_id, p.customer_id, p.e164, 'new', 0
        from (
          select distinct on (ph.customer_id) ph.company_id, ph.customer_id, ph.e164
          from phones ph
          where ph.customer_id in (
            select i.customer_id from invoices i
            where i.status = 'open' and i.balance_minor > 0 ${changed}
          )
          order by ph.customer_id, ph.is_preferred desc, (ph.source = 'mobile') desc, ph.created_at
        ) p
        where not exists (
          select 1 from threads t where t.company_id = p.company_id and t.customer_id = p.customer_id
        )
        on conflict (company_id, phone) do nothing`);
      // A timer is pulled forward only for invoices changed after its last check, so a check
      // that itself touched the invoices does not trigger another.
      const armed = await tx.execute(sql`
        insert into thread_timers (id, company_id, thread_id, key, due_at, status)
        select 'tt_' || replace(gen_random_uuid()::text, '-', ''), t.company_id, t.id, ${KEY}, ${at}::timestamptz, 'pending'
        from threads t
        where t.customer_id in (
          select i.customer_id from invoices i
          where i.status = 'open' and i.balance_minor > 0 ${changed}
        ${
          // A customer whose last invoice was just paid or voided is checked too: the check
          // tells the thread (a paid claim closes, a promise is kept).
          changedSince
            ? sql`union select i.customer_id from invoices i where i.status <> 'open' ${changed}`
            : sql``
        }
        )
        and not exists (
          select 1 from thread_timers tt
          where tt.thread_id = t.id and tt.key = ${KEY}
            and tt.status = 'pending' and tt.due_at <= ${at}::timestamptz
        )
        and not exists (
          select 1 from thread_timers tt
          where tt.thread_id = t.id and tt.key = ${KEY} and tt.fired_at is not null
            and not exists (
              select 1 from invoices i
              where i.customer_id = t.customer_id and i.updated_at > tt.fired_at
            )
        )
        on conflict (thread_id, key) do update
          set due_at = excluded.due_at, status = 'pending', attempts = 0, last_error = null
        returning 1`);
      return {
        armed: rowCount(armed),
        watermark: new Date(dbNow.getTime() - WATERMARK_OVERLAP_MS),
      };
    });
  }

  async lapseHeldReminders(now: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      const lapsed = await tx
        .update(outbox)
        .set({ status: "skipped", completedAt: now, lastError: "not approved in time" })
        .where(and(eq(outbox.status, "held"), lte(outbox.availableAt, now)))
        .returning({ threadId: outbox.threadId, payload: outbox.payload });
      for (const row of lapsed) {
        await giveBackLadderRungs(tx, row.threadId, row.payload, now);
      }
      return lapsed.length;
    });
  }
}
