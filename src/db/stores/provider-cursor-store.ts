import { and, eq, sql } from "drizzle-orm";
import type { PaymentEventCursor } from "../../app/payment-events-port.js";
import type { PaymentEventCursorStore } from "../../app/payment-store-port.js";
import type { Database } from "../client.js";
import { providerCursors } from "../schema/index.js";

// Where the Stripe Events catch-up left off, one row per provider account. Instances may
// catch up at the same time; a save never moves the cursor back to an earlier second.

const STRIPE = { provider: "stripe" as const, accountId: "platform" };

export class DrizzleStripeCursorStore implements PaymentEventCursorStore {
  constructor(private readonly db: Database) {}

  async read(): Promise<PaymentEventCursor | null> {
    const [row] = await this.db
      .select({ cursor: providerCursors.cursor })
      .from(providerCursors)
      .where(
        and(
          eq(providerCursors.provider, STRIPE.provider),
          eq(providerCursors.accountId, STRIPE.accountId),
        ),
      );
    const cursor = row?.cursor;
    if (
      !cursor ||
      typeof cursor.createdAt !== "number" ||
      !Array.isArray(cursor.seenIds) ||
      !cursor.seenIds.every((id) => typeof id === "string")
    ) {
      return null;
    }
    return { createdAt: cursor.createdAt, seenIds: cursor.seenIds as string[] };
  }

  async save(cursor: PaymentEventCursor, at: Date): Promise<void> {
    const value = { createdAt: cursor.createdAt, seenIds: cursor.seenIds };
    await this.db
      .insert(providerCursors)
      .values({ ...STRIPE, cursor: value, updatedAt: at })
      .onConflictDoUpdate({
        target: [providerCursors.provider, providerCursors.accountId],
        set: { cursor: value, updatedAt: at },
        setWhere: sql`(${providerCursors.cursor}->>'createdAt')::bigint <= ${cursor.createdAt}`,
      });
  }
}
