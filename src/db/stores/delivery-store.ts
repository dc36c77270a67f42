import { and, desc, eq, inArray } from "drizzle-orm";
import type {
  DeliveryStore,
  DeliveryUnitOfWork,
  NewStaffAlert,
  PhoneDeliveryState,
  TrackedMessage,
} from "../../app/delivery-store-port.js";
import type { Database, Queryable } from "../client.js";
import { companies, consentEvents, messages, outbox, phones, tasks } from "../schema/index.js";
import { giveBackLadderRungs } from "./ladder-marks.js";

// Drizzle implementation of the delivery store: status callbacks and delivery-error
// reactions. Row locks (FOR UPDATE) serialise two callbacks about the same message or phone,
// so counters and "first time only" checks hold under concurrent workers.

export class DrizzleDeliveryStore implements DeliveryStore {
  constructor(private readonly db: Database) {}

  inTransaction<T>(work: (uow: DeliveryUnitOfWork) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new DrizzleDeliveryUnitOfWork(tx)));
  }
}

class DrizzleDeliveryUnitOfWork implements DeliveryUnitOfWork {
  constructor(private readonly tx: Queryable) {}

  async lockMessage(providerMessageId: string): Promise<TrackedMessage | null> {
    const [row] = await this.tx
      .select({
        id: messages.id,
        companyId: messages.companyId,
        threadId: messages.threadId,
        phone: messages.toNumber,
        status: messages.status,
        errorCode: messages.errorCode,
      })
      .from(messages)
      .where(eq(messages.providerMessageId, providerMessageId))
      .for("update");
    if (!row) {
      return null;
    }
    return { ...row, phone: row.phone ?? "" };
  }

  async setMessageStatus(messageId: string, status: string, at: Date): Promise<void> {
    await this.tx.update(messages).set({ status, updatedAt: at }).where(eq(messages.id, messageId));
  }

  async setMessageError(messageId: string, errorCode: string, at: Date): Promise<void> {
    await this.tx
      .update(messages)
      .set({ errorCode, updatedAt: at })
      .where(eq(messages.id, messageId));
  }

  async lockPhone(companyId: string, e164: string): Promise<PhoneDeliveryState | null> {
    const [row] = await this.tx
      .select({
        consent: phones.consent,
        undeliverable: phones.undeliverable,
        deliveryFailures: phones.deliveryFailures,
        smsBlockedReason: phones.smsBlockedReason,
      })
      .from(phones)
      .where(and(eq(phones.companyId, companyId), eq(phones.e164, e164)))
      .for("update");
    return row ?? null;
  }

  async updatePhone(
    companyId: string,
    e164: string,
    change: Partial<
      Pick<PhoneDeliveryState, "undeliverable" | "deliveryFailures" | "smsBlockedReason">
    >,
    at: Date,
  ): Promise<void> {
    await this.tx
      .update(phones)
      .set({ ...change, updatedAt: at })
      .where(and(eq(phones.companyId, companyId), eq(phones.e164, e164)));
  }

  async hasRecordedOptOut(companyId: string, e164: string): Promise<boolean> {
    const [latest] = await this.tx
      .select({ change: consentEvents.change })
      .from(consentEvents)
      .where(and(eq(consentEvents.companyId, companyId), eq(consentEvents.e164, e164)))
      .orderBy(desc(consentEvents.occurredAt), desc(consentEvents.createdAt))
      .limit(1);
    return latest?.change === "opt_out";
  }

  async skipQueuedTexts(threadId: string, reason: string, at: Date): Promise<number> {
    // Only rows not yet claimed: a `sending` row belongs to a dispatcher mid-call.
    const skipped = await this.tx
      .update(outbox)
      .set({ status: "skipped", lastError: reason, completedAt: at })
      .where(
        and(
          eq(outbox.threadId, threadId),
          eq(outbox.effectType, "sendSms"),
          inArray(outbox.status, ["pending", "held"]),
        ),
      )
      .returning({ id: outbox.id });
    return skipped.length;
  }

  async replanExpiredReminder(providerMessageId: string, at: Date): Promise<boolean> {
    const [row] = await this.tx
      .select({ threadId: outbox.threadId, payload: outbox.payload })
      .from(messages)
      .innerJoin(outbox, eq(outbox.id, messages.outboxId))
      .where(eq(messages.providerMessageId, providerMessageId));
    if (row?.payload.kind !== "reminder") {
      return false;
    }
    await giveBackLadderRungs(this.tx, row.threadId, row.payload, at);
    return true;
  }

  async lockCompany(companyId: string): Promise<{ sendingPausedAt: Date | null } | null> {
    const [row] = await this.tx
      .select({ sendingPausedAt: companies.sendingPausedAt })
      .from(companies)
      .where(eq(companies.id, companyId))
      .for("update");
    return row ?? null;
  }

  async pauseSending(companyId: string, reason: string, at: Date): Promise<void> {
    await this.tx
      .update(companies)
      .set({ sendingPausedAt: at, sendingPausedReason: reason, updatedAt: at })
      .where(eq(companies.id, companyId));
  }

  async createStaffAlert(alert: NewStaffAlert): Promise<{ taskId: string }> {
    const [task] = await this.tx
      .insert(tasks)
      .values({
        companyId: alert.companyId,
        threadId: alert.threadId,
        reason: alert.reason,
        details: { ...alert.details, text: alert.text },
        createdAt: alert.at,
        updatedAt: alert.at,
      })
      .returning({ id: tasks.id });
    if (!task) {
      throw new Error("staff task was not created");
    }
    // The same payload the pipeline gives a machine's notifyStaff effect, so the dispatcher
    // posts it like any other escalation.
    await this.tx.insert(outbox).values({
      companyId: alert.companyId,
      threadId: alert.threadId,
      effectType: "notifyStaff",
      payload: { reason: alert.reason, text: alert.text, taskId: task.id },
      availableAt: alert.at,
      causationId: alert.causationId,
      createdAt: alert.at,
    });
    return { taskId: task.id };
  }
}
