import { and, asc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import type { OutboxDecision, OutboxRow, OutboxStore } from "../../app/ports.js";
import type { Database, Queryable } from "../client.js";
import { companies, messages, outbox, threads } from "../schema/index.js";

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
        .orderBy(asc(outbox.availableAt))
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

  async recordOutboundMessage(message: {
    companyId: string;
    threadId: string;
    outboxId: string;
    kind: string;
    template: string;
    language: string;
    body: string;
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
    case "still_unknown":
      // Stay `sending`: the lease restarts and the provider is asked again next time.
      await db
        .update(outbox)
        .set({ claimedAt: decision.at, lastError: decision.error })
        .where(held);
      return;
  }
}
