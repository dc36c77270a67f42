import { and, asc, eq, inArray, lte, ne, sql } from "drizzle-orm";
import type { ThreadInput } from "../../../machines/thread.context.js";
import type { ThreadEffect } from "../../../machines/thread.effects.js";
import { TIMER_KEYS } from "../../../machines/thread.machine.js";
import type {
  AuditEntry,
  DueTimer,
  EffectContext,
  InboundTextRecord,
  LadderOutcome,
  LockedThread,
  NewInboundEvent,
  PipelineStore,
  PipelineUnitOfWork,
  RetryPolicy,
  StoredInboundEvent,
  ThreadKey,
  ThreadSave,
} from "../../app/ports.js";
import type { Database, Queryable } from "../client.js";
import {
  auditLog,
  companies,
  customers,
  inboundEvents,
  invoices,
  outbox,
  phones,
  threads,
  threadTimers,
} from "../schema/index.js";
import { firstRow } from "./raw-rows.js";
import { threadChangeStatement } from "./thread-change-sql.js";
import { threadInputOf } from "./thread-input.js";

const REMINDER_TIMER_KEY = TIMER_KEYS.reminder;

// Drizzle implementation of the pipeline's storage. Every lock is a row lock taken inside
// the caller's transaction; claims use SKIP LOCKED so concurrent workers never wait on or
// double-handle a row.

export class DrizzlePipelineStore implements PipelineStore {
  constructor(private readonly db: Database) {}

  async recordInbound(event: NewInboundEvent): Promise<{ id: string; duplicate: boolean }> {
    const inserted = await this.db
      .insert(inboundEvents)
      .values({
        provider: event.provider,
        externalId: event.externalId,
        type: event.type,
        payload: event.payload,
        companyId: event.companyId ?? null,
        receivedAt: event.receivedAt,
        availableAt: event.receivedAt,
      })
      .onConflictDoNothing({ target: [inboundEvents.provider, inboundEvents.externalId] })
      .returning({ id: inboundEvents.id });
    const first = inserted[0];
    if (first) {
      return { id: first.id, duplicate: false };
    }
    const [existing] = await this.db
      .select({ id: inboundEvents.id })
      .from(inboundEvents)
      .where(
        and(
          eq(inboundEvents.provider, event.provider),
          eq(inboundEvents.externalId, event.externalId),
        ),
      );
    if (!existing) {
      throw new Error(
        `Inbound event ${event.provider}/${event.externalId} vanished after a conflict`,
      );
    }
    return { id: existing.id, duplicate: true };
  }

  inTransaction<T>(work: (uow: PipelineUnitOfWork) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new DrizzlePipelineUnitOfWork(tx)));
  }

  async recordInboundFailure(
    id: string,
    error: string,
    now: Date,
    policy: RetryPolicy,
  ): Promise<"retry" | "failed"> {
    const [row] = await this.db
      .update(inboundEvents)
      .set({ attempts: sql`${inboundEvents.attempts} + 1`, error })
      .where(and(eq(inboundEvents.id, id), eq(inboundEvents.status, "pending")))
      .returning({ attempts: inboundEvents.attempts });
    if (!row) {
      return "failed";
    }
    if (row.attempts >= policy.maxAttempts) {
      await this.db.update(inboundEvents).set({ status: "failed" }).where(eq(inboundEvents.id, id));
      return "failed";
    }
    await this.db
      .update(inboundEvents)
      .set({ availableAt: new Date(now.getTime() + policy.retryDelayMs(row.attempts)) })
      .where(eq(inboundEvents.id, id));
    return "retry";
  }

  async recordTimerFailure(
    id: string,
    error: string,
    now: Date,
    policy: RetryPolicy,
  ): Promise<"retry" | "failed"> {
    const [row] = await this.db
      .update(threadTimers)
      .set({ attempts: sql`${threadTimers.attempts} + 1`, lastError: error })
      .where(and(eq(threadTimers.id, id), eq(threadTimers.status, "pending")))
      .returning({ attempts: threadTimers.attempts });
    if (!row) {
      return "failed";
    }
    if (row.attempts >= policy.maxAttempts) {
      await this.db
        .update(threadTimers)
        .set({ status: "cancelled" })
        .where(eq(threadTimers.id, id));
      return "failed";
    }
    await this.db
      .update(threadTimers)
      .set({ dueAt: new Date(now.getTime() + policy.retryDelayMs(row.attempts)) })
      .where(eq(threadTimers.id, id));
    return "retry";
  }

  async pendingInboundIds(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: inboundEvents.id })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.status, "pending"), lte(inboundEvents.availableAt, now)))
      .orderBy(asc(inboundEvents.availableAt))
      .limit(limit);
    return rows.map((row) => row.id);
  }
}

class DrizzlePipelineUnitOfWork implements PipelineUnitOfWork {
  constructor(private readonly tx: Queryable) {}

  async claimInboundEvent(id: string): Promise<StoredInboundEvent | null> {
    const [row] = await this.tx
      .select({
        id: inboundEvents.id,
        provider: inboundEvents.provider,
        externalId: inboundEvents.externalId,
        type: inboundEvents.type,
        payload: inboundEvents.payload,
        attempts: inboundEvents.attempts,
      })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.id, id), eq(inboundEvents.status, "pending")))
      .for("update", { skipLocked: true });
    return row ?? null;
  }

  async markInboundProcessed(id: string, threadId: string | null, at: Date): Promise<void> {
    await this.tx
      .update(inboundEvents)
      .set({ status: "processed", threadId, processedAt: at, error: null })
      .where(and(eq(inboundEvents.id, id), eq(inboundEvents.status, "pending")));
  }

  async markInboundRejected(id: string, reason: string, at: Date): Promise<void> {
    await this.tx
      .update(inboundEvents)
      .set({ status: "rejected", error: reason, processedAt: at })
      .where(and(eq(inboundEvents.id, id), eq(inboundEvents.status, "pending")));
  }

  async lockThread(key: ThreadKey): Promise<LockedThread> {
    // The usual case is an existing thread: one statement. A new one is inserted (racing
    // inserts meet the unique key and fall through to the same locked select).
    const [existing] = await this.tx
      .select(lockedThreadColumns)
      .from(threads)
      .where(and(eq(threads.companyId, key.companyId), eq(threads.phone, key.phone)))
      .for("update");
    if (existing) {
      return existing;
    }
    await this.tx
      .insert(threads)
      .values({
        companyId: key.companyId,
        phone: key.phone,
        state: "new",
        machineVersion: 0,
        snapshot: null,
      })
      .onConflictDoNothing({ target: [threads.companyId, threads.phone] });
    const [row] = await this.tx
      .select(lockedThreadColumns)
      .from(threads)
      .where(and(eq(threads.companyId, key.companyId), eq(threads.phone, key.phone)))
      .for("update");
    if (!row) {
      throw new Error(`Thread for ${key.companyId} could not be created`);
    }
    return row;
  }

  async lockThreadById(threadId: string): Promise<LockedThread | null> {
    const [row] = await this.tx
      .select(lockedThreadColumns)
      .from(threads)
      .where(eq(threads.id, threadId))
      .for("update");
    return row ?? null;
  }

  async tryLockThreadById(threadId: string): Promise<LockedThread | null> {
    const [row] = await this.tx
      .select(lockedThreadColumns)
      .from(threads)
      .where(eq(threads.id, threadId))
      .for("update", { skipLocked: true });
    return row ?? null;
  }

  async recordLadderOutcome(outcome: LadderOutcome): Promise<{ queued: boolean }> {
    const queued = await this.tx
      .select({ id: outbox.id, payload: outbox.payload })
      .from(outbox)
      .where(
        and(
          eq(outbox.threadId, outcome.threadId),
          eq(outbox.causationId, outcome.causationId),
          eq(outbox.effectType, "sendSms"),
          eq(outbox.status, "pending"),
          sql`${outbox.payload}->>'kind' = 'reminder'`,
        ),
      );
    if (queued.length === 0 && outcome.writeMarks === "if_queued") {
      return { queued: false };
    }
    const ids = Object.keys(outcome.marks);
    const previous =
      ids.length === 0
        ? []
        : await this.tx
            .select({ id: invoices.id, day: invoices.lastReminderDay })
            .from(invoices)
            .where(inArray(invoices.id, ids));
    const previousDays = Object.fromEntries(previous.map((row) => [row.id, row.day]));
    for (const row of queued) {
      await this.tx
        .update(outbox)
        .set({
          payload: { ...row.payload, ladder: { marks: outcome.marks, previousDays } },
          ...(outcome.holdUntil ? { status: "held" as const, availableAt: outcome.holdUntil } : {}),
        })
        .where(eq(outbox.id, row.id));
    }
    for (const [invoiceId, day] of Object.entries(outcome.marks)) {
      await this.tx
        .update(invoices)
        .set({ lastReminderDay: day, updatedAt: sql`now()` })
        .where(eq(invoices.id, invoiceId));
    }
    return { queued: queued.length > 0 };
  }

  async markApprovalNeeded(invoiceIds: string[]): Promise<void> {
    if (invoiceIds.length === 0) {
      return;
    }
    await this.tx
      .update(invoices)
      .set({ needsApproval: "pending", updatedAt: sql`now()` })
      .where(and(inArray(invoices.id, invoiceIds), eq(invoices.needsApproval, "no")));
  }

  async recordAudit(entry: AuditEntry): Promise<void> {
    await this.tx.insert(auditLog).values({
      companyId: entry.companyId,
      threadId: entry.threadId,
      actor: entry.actor,
      action: entry.action,
      details: entry.details,
      occurredAt: entry.at,
    });
  }

  async threadInput(key: ThreadKey): Promise<ThreadInput> {
    // One round trip: the company, the number's customer and their open invoices (a row per
    // invoice, or one row with no invoice).
    const rows = await this.tx
      .select({
        companyTimeZone: companies.timeZone,
        companyLanguage: companies.defaultLanguage,
        customerId: customers.id,
        customerLanguage: customers.language,
        customerTimeZone: customers.timeZone,
        invoiceId: invoices.id,
        number: invoices.docNumber,
        balanceMinor: invoices.balanceMinor,
        currency: invoices.currency,
        dueDate: invoices.dueDate,
      })
      .from(companies)
      .leftJoin(phones, and(eq(phones.companyId, companies.id), eq(phones.e164, key.phone)))
      .leftJoin(customers, eq(customers.id, phones.customerId))
      .leftJoin(invoices, and(eq(invoices.customerId, customers.id), eq(invoices.status, "open")))
      .where(eq(companies.id, key.companyId))
      .orderBy(asc(invoices.dueDate));
    const [first] = rows;
    if (!first) {
      throw new Error(`Company ${key.companyId} does not exist`);
    }
    const openInvoices = rows.flatMap((row) =>
      row.invoiceId === null ||
      row.balanceMinor === null ||
      row.currency === null ||
      row.dueDate === null
        ? []
        : [
            {
              id: row.invoiceId,
              number: row.number ?? row.invoiceId,
              balanceMinor: row.balanceMinor,
              currency: row.currency,
              dueDate: row.dueDate,
            },
          ],
    );
    return threadInputOf({ ...key, ...first, openInvoices });
  }

  async commitThread(
    thread: LockedThread,
    step: { save: ThreadSave; effects: ThreadEffect[] },
    context: EffectContext,
    message?: InboundTextRecord,
  ): Promise<void> {
    const result = await this.tx.execute(
      threadChangeStatement({
        thread,
        effects: step.effects,
        context,
        save: step.save,
        ...(message ? { inboundMessage: message } : {}),
      }).toSql(),
    );
    if (Number(firstRow(result)?.applied ?? 0) !== 1) {
      // The row is locked by this transaction: a version mismatch means a caller bug.
      throw new Error(`Thread ${thread.id} moved past version ${thread.version} while locked`);
    }
  }

  async claimDueTimer(now: Date): Promise<DueTimer | null> {
    // Locking the thread with the timer (SKIP LOCKED on both) means a busy thread is simply
    // skipped this pass, and lock order can never deadlock with an inbound event.
    const [row] = await this.tx
      .select({
        id: threadTimers.id,
        threadId: threadTimers.threadId,
        key: threadTimers.key,
        dueAt: threadTimers.dueAt,
      })
      .from(threadTimers)
      .innerJoin(threads, eq(threads.id, threadTimers.threadId))
      .where(
        and(
          eq(threadTimers.status, "pending"),
          lte(threadTimers.dueAt, now),
          // The ladder's timer belongs to the reminder pass, which checks providers first.
          ne(threadTimers.key, REMINDER_TIMER_KEY),
        ),
      )
      .orderBy(asc(threadTimers.dueAt))
      .limit(1)
      .for("update", { of: [threadTimers, threads], skipLocked: true });
    return row ?? null;
  }

  async markTimerFired(id: string, at: Date): Promise<void> {
    await this.tx
      .update(threadTimers)
      .set({ status: "fired", firedAt: at })
      .where(eq(threadTimers.id, id));
  }

  async persistEffects(
    thread: LockedThread,
    effects: ThreadEffect[],
    context: EffectContext,
  ): Promise<void> {
    await this.tx.execute(threadChangeStatement({ thread, effects, context }).toSql());
  }
}

const lockedThreadColumns = {
  id: threads.id,
  companyId: threads.companyId,
  phone: threads.phone,
  snapshot: threads.snapshot,
  machineVersion: threads.machineVersion,
  version: threads.version,
};
