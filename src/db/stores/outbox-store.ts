import { and, asc, desc, eq, gte, inArray, lt, lte, ne, sql } from "drizzle-orm";
import type {
  OutboxDecision,
  OutboxRow,
  OutboxStore,
  SendFacts,
  StaffNoticePost,
} from "../../app/ports.js";
import type { Database, Queryable } from "../client.js";
import {
  companies,
  customers,
  invoices,
  messages,
  outbox,
  phones,
  threads,
} from "../schema/index.js";
import { insertStaffTask } from "./staff-task-rows.js";

const rowColumns = {
  id: outbox.id,
  companyId: outbox.companyId,
  threadId: outbox.threadId,
  effectType: outbox.effectType,
  payload: outbox.payload,
  attempts: outbox.attempts,
  createdAt: outbox.createdAt,
  claimedAt: outbox.claimedAt,
  attempt: sql<{ to: string; body: string } | null>`${outbox.result} -> 'attempt'`,
};

export class DrizzleOutboxStore implements OutboxStore {
  constructor(private readonly db: Database) {}

  claimDue(now: Date, limit: number): Promise<OutboxRow[]> {
    return this.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.status, "pending"), lte(outbox.availableAt, now)))
        // Rows due together leave in the order their event queued them (created_at).
        .orderBy(asc(outbox.availableAt), asc(outbox.createdAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      if (due.length === 0) {
        return [];
      }
      // `sending` is committed before any provider call, so a crash mid-call is detectable.
      return tx
        .update(outbox)
        .set({ status: "sending", claimedAt: now, attempts: sql`${outbox.attempts} + 1` })
        .where(
          inArray(
            outbox.id,
            due.map((row) => row.id),
          ),
        )
        .returning(rowColumns);
    });
  }

  claimStale(staleBefore: Date, now: Date, limit: number): Promise<OutboxRow[]> {
    return this.db.transaction(async (tx) => {
      const stale = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.status, "sending"), lt(outbox.claimedAt, staleBefore)))
        .orderBy(asc(outbox.claimedAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      if (stale.length === 0) {
        return [];
      }
      // Renewing the lease hands the rows to this worker alone while it asks the provider.
      return tx
        .update(outbox)
        .set({ claimedAt: now })
        .where(
          inArray(
            outbox.id,
            stale.map((row) => row.id),
          ),
        )
        .returning(rowColumns);
    });
  }

  async recordAttempt(id: string, attempt: { to: string; body: string }): Promise<void> {
    await this.db
      .update(outbox)
      .set({ result: { attempt } })
      .where(and(eq(outbox.id, id), eq(outbox.status, "sending")));
  }

  complete(id: string, decision: OutboxDecision): Promise<void> {
    return applyDecision(this.db, id, decision);
  }

  async threadPhone(threadId: string): Promise<{ phone: string; companyName: string } | null> {
    const [row] = await this.db
      .select({ phone: threads.phone, companyName: companies.name })
      .from(threads)
      .innerJoin(companies, eq(companies.id, threads.companyId))
      .where(eq(threads.id, threadId));
    return row ?? null;
  }

  async sendFacts(
    threadId: string,
    invoiceIds: string[],
    remindersSince: Date,
  ): Promise<SendFacts | null> {
    const [row] = await this.db
      .select({
        threadState: threads.state,
        threadPhone: threads.phone,
        companyId: threads.companyId,
        companyName: companies.name,
        settings: companies.settings,
        sendingPausedReason: companies.sendingPausedReason,
        phoneE164: phones.e164,
        consent: phones.consent,
        lineType: phones.lineType,
        lineTypeCheckedAt: phones.lineTypeCheckedAt,
        undeliverable: phones.undeliverable,
        smsBlockedReason: phones.smsBlockedReason,
        customerId: phones.customerId,
      })
      .from(threads)
      .innerJoin(companies, eq(companies.id, threads.companyId))
      .leftJoin(
        phones,
        and(eq(phones.companyId, threads.companyId), eq(phones.e164, threads.phone)),
      )
      .where(eq(threads.id, threadId));
    if (!row) {
      return null;
    }
    const [customer] = row.customerId
      ? await this.db
          .select({ timeZone: customers.timeZone, region: customers.region })
          .from(customers)
          .where(eq(customers.id, row.customerId))
      : [];
    const invoiceColumns = {
      id: invoices.id,
      number: sql<string>`coalesce(${invoices.docNumber}, ${invoices.quickbooksId})`,
      balanceMinor: invoices.balanceMinor,
      currency: invoices.currency,
      dueDate: invoices.dueDate,
      status: invoices.status,
    };
    const named =
      invoiceIds.length === 0
        ? []
        : await this.db
            .select(invoiceColumns)
            .from(invoices)
            .where(and(eq(invoices.companyId, row.companyId), inArray(invoices.id, invoiceIds)))
            .orderBy(asc(invoices.dueDate));
    const open = row.customerId
      ? await this.db
          .select(invoiceColumns)
          .from(invoices)
          .where(and(eq(invoices.customerId, row.customerId), eq(invoices.status, "open")))
          .orderBy(asc(invoices.dueDate))
      : [];
    const recent = row.customerId
      ? await this.db
          .select(invoiceColumns)
          .from(invoices)
          .where(and(eq(invoices.customerId, row.customerId), ne(invoices.status, "voided")))
          .orderBy(desc(invoices.dueDate))
          .limit(3)
      : [];
    const sent = await this.db
      .select({ sentAt: messages.sentAt })
      .from(messages)
      .where(
        and(
          eq(messages.companyId, row.companyId),
          eq(messages.toNumber, row.threadPhone),
          eq(messages.direction, "outbound"),
          eq(messages.kind, "reminder"),
          gte(messages.sentAt, remindersSince),
        ),
      );
    return {
      threadState: row.threadState,
      threadPhone: row.threadPhone,
      companyName: row.companyName,
      settings: row.settings,
      sendingPausedReason: row.sendingPausedReason,
      phone:
        row.phoneE164 === null || row.consent === null
          ? null
          : {
              e164: row.phoneE164,
              consent: row.consent,
              lineType: row.lineType,
              lineTypeCheckedAt: row.lineTypeCheckedAt,
              undeliverable: row.undeliverable ?? false,
              smsBlockedReason: row.smsBlockedReason,
            },
      customer: customer ?? null,
      invoices: named,
      openInvoices: open,
      recentInvoices: recent,
      reminderSentAt: sent.flatMap((message) => (message.sentAt ? [message.sentAt] : [])),
    };
  }

  async recordLineType(
    companyId: string,
    e164: string,
    result: { lineType: "mobile" | "landline" | "voip" | "unknown"; invalid: boolean },
    at: Date,
  ): Promise<void> {
    await this.db
      .update(phones)
      .set({
        lineType: result.lineType,
        lineTypeCheckedAt: at,
        ...(result.invalid ? { smsBlockedReason: "invalid_number" } : {}),
        ...(result.lineType === "landline" ? { smsBlockedReason: "landline" } : {}),
        updatedAt: sql`now()`,
      })
      .where(and(eq(phones.companyId, companyId), eq(phones.e164, e164)));
  }

  async staffNoticePost(
    threadId: string,
    taskId: string,
    version: number,
  ): Promise<StaffNoticePost> {
    // By thread first (outbox_thread_idx): a thread has few rows, the outbox many.
    const [notice] = await this.db
      .select({ payload: outbox.payload, status: outbox.status, providerRef: outbox.providerRef })
      .from(outbox)
      .where(
        and(
          eq(outbox.threadId, threadId),
          eq(outbox.effectType, "notifyStaff"),
          sql`${outbox.payload} ->> 'taskId' = ${taskId}`,
        ),
      )
      .orderBy(asc(outbox.createdAt))
      .limit(1);
    const [later] = await this.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.threadId, threadId),
          eq(outbox.effectType, "updateStaffNotice"),
          sql`${outbox.payload} ->> 'taskId' = ${taskId}`,
          sql`(${outbox.payload} ->> 'version')::int > ${version}`,
        ),
      )
      .limit(1);
    return { notice: notice ?? null, superseded: later !== undefined };
  }

  async raiseStaffTask(task: {
    companyId: string;
    threadId: string;
    reason: string;
    text: string;
    at: Date;
  }): Promise<void> {
    await this.db.transaction((tx) => insertStaffTask(tx, task));
  }

  async recordOutboundMessage(message: {
    companyId: string;
    threadId: string;
    outboxId: string;
    kind: string;
    template: string;
    language: string;
    body: string;
    segments?: number;
    encoding?: "GSM-7" | "UCS-2";
    to: string;
    providerMessageId: string;
    status: string;
    at: Date;
  }): Promise<void> {
    await this.db
      .insert(messages)
      .values({
        companyId: message.companyId,
        threadId: message.threadId,
        direction: "outbound",
        kind: message.kind as "reminder" | "reply" | "compliance" | "staff",
        body: message.body,
        template: message.template,
        language: message.language,
        segments: message.segments ?? null,
        encoding: message.encoding ?? null,
        toNumber: message.to,
        providerMessageId: message.providerMessageId,
        status: message.status,
        outboxId: message.outboxId,
        sentAt: message.at,
      })
      .onConflictDoNothing({ target: messages.providerMessageId });
  }
}

/** Every decision is about a row this worker holds in `sending`; a row that moved on is left alone. */
async function applyDecision(db: Queryable, id: string, decision: OutboxDecision): Promise<void> {
  const held = and(eq(outbox.id, id), eq(outbox.status, "sending"));
  switch (decision.status) {
    case "sent":
      await db
        .update(outbox)
        .set({
          status: "sent",
          completedAt: decision.at,
          providerRef: decision.providerRef,
          result: decision.result ?? null,
          lastError: null,
        })
        .where(held);
      return;
    case "retry":
      await db
        .update(outbox)
        .set({ status: "pending", availableAt: decision.retryAt, lastError: decision.error })
        .where(held);
      return;
    case "failed":
      await db
        .update(outbox)
        .set({ status: "failed", completedAt: decision.at, lastError: decision.error })
        .where(held);
      return;
    case "requeue":
      await db
        .update(outbox)
        .set({
          status: "pending",
          availableAt: decision.at,
          claimedAt: null,
          lastError: decision.note,
        })
        .where(held);
      return;
    case "deferred":
      // Not an attempt: the gate will be asked again when the row comes due.
      await db
        .update(outbox)
        .set({
          status: "pending",
          availableAt: decision.until,
          claimedAt: null,
          attempts: sql`greatest(${outbox.attempts} - 1, 0)`,
          lastError: `deferred: ${decision.reason}`,
        })
        .where(held);
      return;
    case "skipped":
      await db
        .update(outbox)
        .set({ status: "skipped", completedAt: decision.at, lastError: decision.reason })
        .where(held);
      return;
    case "still_unknown":
      // Stay `sending`: the lease restarts and the provider is asked again next time.
      await db
        .update(outbox)
        .set({ claimedAt: decision.at, lastError: decision.error })
        .where(held);
      return;
  }
}
