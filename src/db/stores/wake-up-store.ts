import { and, eq, gt, inArray, min } from "drizzle-orm";
import type { Database } from "../client.js";
import { inboundEvents, outbox, threadTimers } from "../schema/index.js";

/**
 * The earliest moment anything is scheduled: a pending timer, a text waiting for its window
 * or its approval deadline, an event waiting for a retry. The sandbox's clock stops there.
 */
export class DrizzleWakeUpStore {
  constructor(private readonly db: Database) {}

  /** The earliest scheduled moment strictly after `after`. */
  async next(after: Date): Promise<Date | null> {
    const [timer] = await this.db
      .select({ at: min(threadTimers.dueAt) })
      .from(threadTimers)
      .where(and(eq(threadTimers.status, "pending"), gt(threadTimers.dueAt, after)));
    const [queued] = await this.db
      .select({ at: min(outbox.availableAt) })
      .from(outbox)
      .where(and(inArray(outbox.status, ["pending", "held"]), gt(outbox.availableAt, after)));
    const [event] = await this.db
      .select({ at: min(inboundEvents.availableAt) })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.status, "pending"), gt(inboundEvents.availableAt, after)));
    // Aggregates come back as Date or as text depending on the driver.
    const moments = [timer?.at, queued?.at, event?.at]
      .filter((moment) => moment !== null && moment !== undefined)
      .map((moment) => new Date(moment as Date | string).getTime())
      .filter((time) => Number.isFinite(time));
    return moments.length === 0 ? null : new Date(Math.min(...moments));
  }
}
