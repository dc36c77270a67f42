import { and, eq, inArray, sql } from "drizzle-orm";
import { TIMER_KEYS } from "../../../machines/thread.machine.js";
import type { Queryable } from "../client.js";
import { invoices, threadTimers } from "../schema/index.js";

// A reminder that will not reach the customer (its review lapsed, the carrier let it expire)
// gives back the ladder rungs it used, and the thread's ladder is checked again: the next
// check re-reads the invoices and plans a fresh text in the next window. An approval re-checks
// the same way.

export async function giveBackLadderRungs(
  tx: Queryable,
  threadId: string | null,
  payload: Record<string, unknown>,
  now: Date,
): Promise<void> {
  const ladder = payload.ladder as { previousDays?: Record<string, number | null> } | undefined;
  for (const [invoiceId, day] of Object.entries(ladder?.previousDays ?? {})) {
    await tx
      .update(invoices)
      .set({ lastReminderDay: day, updatedAt: sql`now()` })
      .where(eq(invoices.id, invoiceId));
  }
  if (threadId) {
    await checkLadderNow(tx, [threadId], now);
  }
}

/** These threads' ladder timers come due now: the next pass plans with fresh facts. */
export async function checkLadderNow(tx: Queryable, threadIds: string[], now: Date): Promise<void> {
  if (threadIds.length === 0) {
    return;
  }
  await tx
    .update(threadTimers)
    .set({ dueAt: now, status: "pending", attempts: 0 })
    .where(
      and(inArray(threadTimers.threadId, threadIds), eq(threadTimers.key, TIMER_KEYS.reminder)),
    );
}
