import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchOutbox } from "../../../src/app/dispatch-outbox.js";
import { fireDueTimers } from "../../../src/app/fire-due-timers.js";
import { receiveInboundEvent } from "../../../src/app/process-inbound-event.js";
import { outbox, threads, threadTimers } from "../../../src/db/schema/index.js";
import { AppError } from "../../../src/domain/errors.js";
import { FakeSmsSender } from "../../fakes/fake-sms-sender.js";
import {
  createCompany,
  createPipelineHarness,
  type PipelineHarness,
  smsEvent,
  testPhone,
} from "../../helpers/pipeline-harness.js";

let harness: PipelineHarness;
let companyId: string;

beforeAll(async () => {
  harness = await createPipelineHarness();
  companyId = await createCompany(harness.database);
});

afterAll(async () => {
  await harness.close();
});

/** Creates threads through the pipeline itself (one HELP each), so they hold real snapshots. */
async function createThreads(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const phone = testPhone();
    const outcome = await receiveInboundEvent(harness.inbound, {
      provider: "test",
      externalId: `seed-${phone}`,
      type: "thread.event",
      payload: {
        companyId,
        phone,
        event: smsEvent("help", "HELP", harness.clock.now().toISOString()),
      },
    });
    if (outcome.status !== "processed") {
      throw new Error(`seeding failed: ${JSON.stringify(outcome)}`);
    }
    ids.push(outcome.threadId);
  }
  return ids;
}

/** A fresh thread with one staff text queued in its outbox, as the pipeline would leave it. */
async function queueStaffText(text: string) {
  const [threadId] = await createThreads(1);
  await drainOutbox();
  const [row] = await harness.database.db
    .insert(outbox)
    .values({
      companyId,
      threadId: threadId ?? "",
      effectType: "sendSms",
      payload: { template: "staff.message", kind: "staff", language: "en", vars: { text } },
      availableAt: harness.clock.now(),
      createdAt: harness.clock.now(),
    })
    .returning();
  return { threadId, row };
}

async function drainTimers(): Promise<number> {
  let total = 0;
  for (;;) {
    const pass = await fireDueTimers(harness.inbound, 50);
    total += pass.fired;
    if (pass.fired === 0) {
      return total;
    }
  }
}

async function drainOutbox(deps = harness.dispatch): Promise<number> {
  let total = 0;
  for (;;) {
    const pass = await dispatchOutbox(deps, 50);
    total += pass.sent;
    if (pass.sent + pass.retried + pass.failed === 0) {
      return total;
    }
  }
}

describe("scheduler and dispatcher workers", () => {
  it("two schedulers and two dispatchers over 1,000 due timers and 1,000 outbox rows handle every row exactly once", async () => {
    const { db } = harness.database;
    const threadIds = await createThreads(100);
    await drainOutbox(); // the seeding HELP replies
    const sentBefore = harness.sms.sent.length;
    const versionsBefore = await db
      .select({ sum: sql<number>`sum(${threads.version})::int` })
      .from(threads)
      .where(inArray(threads.id, threadIds));

    const due = new Date(harness.clock.now().getTime() - 1_000);
    await db.insert(threadTimers).values(
      threadIds.flatMap((threadId) =>
        Array.from({ length: 10 }, (_, index) => ({
          companyId,
          threadId,
          key: `load.${index}`,
          dueAt: due,
        })),
      ),
    );
    await db.insert(outbox).values(
      threadIds.flatMap((threadId) =>
        Array.from({ length: 10 }, (_, index) => ({
          companyId,
          threadId,
          effectType: "sendSms",
          payload: {
            template: "staff.message",
            kind: "staff",
            language: "en",
            vars: { text: `load ${index}` },
          },
          availableAt: due,
        })),
      ),
    );

    const [firedA, firedB, sentA, sentB] = await Promise.all([
      drainTimers(),
      drainTimers(),
      drainOutbox(),
      drainOutbox(),
    ]);

    expect(firedA + firedB).toBe(1_000);
    const timerRows = await db
      .select()
      .from(threadTimers)
      .where(inArray(threadTimers.threadId, threadIds));
    expect(timerRows.every((row) => row.status === "fired")).toBe(true);
    // Each fired timer applied exactly one event to its thread: versions grew by exactly 1,000.
    const versionsAfter = await db
      .select({ sum: sql<number>`sum(${threads.version})::int` })
      .from(threads)
      .where(inArray(threads.id, threadIds));
    expect((versionsAfter[0]?.sum ?? 0) - (versionsBefore[0]?.sum ?? 0)).toBe(1_000);

    expect(sentA + sentB).toBe(1_000);
    const sends = harness.sms.sent.slice(sentBefore);
    expect(sends).toHaveLength(1_000);
    expect(new Set(sends.map((message) => message.reference)).size).toBe(1_000);
    const outboxRows = await db.select().from(outbox).where(inArray(outbox.threadId, threadIds));
    expect(outboxRows.filter((row) => row.status !== "sent")).toEqual([]);
  });

  it("claims the texts one step queued in the order the machine queued them", async () => {
    const [threadId] = await createThreads(1);
    await drainOutbox();
    const at = harness.clock.now();
    const order = ["first", "second", "third", "fourth", "fifth", "sixth"];
    await harness.inbound.store.inTransaction(async (uow) => {
      const thread = await uow.lockThreadById(threadId ?? "");
      if (!thread) {
        throw new Error("thread not found");
      }
      await uow.persistEffects(
        thread,
        order.map((tag) => ({
          type: "sendSms" as const,
          params: {
            template: "reply.menu" as const,
            kind: "reply" as const,
            language: "en" as const,
            vars: { tag },
          },
        })),
        { at, causationId: "ordering-test" },
      );
    });
    const claimed: string[] = [];
    for (const _ of order) {
      const [row] = await harness.dispatch.outbox.claimDue(harness.clock.now(), 1);
      claimed.push(String((row?.payload as { vars?: { tag?: string } } | undefined)?.vars?.tag));
    }
    expect(claimed).toEqual(order);
    await harness.database.db.delete(outbox).where(eq(outbox.causationId, "ordering-test"));
  });

  it("does not re-send a row a crash left in `sending` when the provider already has it", async () => {
    const { db } = harness.database;
    const { threadId, row } = await queueStaffText("crash after send");
    // A worker claims the row and the provider accepts the message, then the worker dies
    // before recording the result.
    const [claimed] = await harness.dispatch.outbox.claimDue(harness.clock.now(), 10);
    expect(claimed?.id).toBe(row?.id);
    const [thread] = await db
      .select()
      .from(threads)
      .where(eq(threads.id, threadId ?? ""));
    // The worker recorded what it handed over, the provider accepted it, then the worker died.
    const attempt = { to: thread?.phone ?? "", body: "Acme Plumbing: crash after send" };
    await harness.dispatch.outbox.recordAttempt(row?.id ?? "", attempt);
    await harness.sms.send({ companyId, ...attempt, reference: row?.id ?? "" });
    const sendsAfterCrash = harness.sms.sent.length;

    // Within the lease the row is left alone: another worker may still be mid-call.
    expect(await dispatchOutbox(harness.dispatch, 10)).toMatchObject({ sent: 0, reconciled: 0 });
    harness.clock.advance(harness.dispatch.sendingLeaseMs + 1_000);
    const pass = await dispatchOutbox(harness.dispatch, 10);
    expect(pass.reconciled).toBe(1);
    expect(harness.sms.sent.length).toBe(sendsAfterCrash);
    const [after] = await db
      .select()
      .from(outbox)
      .where(eq(outbox.id, row?.id ?? ""));
    expect(after?.status).toBe("sent");
    expect(after?.providerRef).toBe(harness.sms.sent.at(-1)?.providerMessageId);
  });

  it("re-sends a row a crash left in `sending` before anything was handed to the provider", async () => {
    const { db } = harness.database;
    const { row } = await queueStaffText("crash before send");
    await harness.dispatch.outbox.claimDue(harness.clock.now(), 10);
    const sendsBefore = harness.sms.sent.length;

    harness.clock.advance(harness.dispatch.sendingLeaseMs + 1_000);
    const pass = await dispatchOutbox(harness.dispatch, 10);
    expect(pass.reconciled).toBe(1);
    expect(pass.sent).toBe(1);
    expect(harness.sms.sent.length).toBe(sendsBefore + 1);
    const [after] = await db
      .select()
      .from(outbox)
      .where(eq(outbox.id, row?.id ?? ""));
    expect(after?.status).toBe("sent");
  });

  it("keeps a `sending` row untouched while the provider cannot say whether it was sent", async () => {
    const { db } = harness.database;
    const { row } = await queueStaffText("provider down");
    await harness.dispatch.outbox.claimDue(harness.clock.now(), 10);
    // The worker got as far as the provider call before it died.
    await harness.dispatch.outbox.recordAttempt(row?.id ?? "", {
      to: "+15125550000",
      body: "provider down",
    });
    const unreachable = new FakeSmsSender(() => harness.clock.now());
    unreachable.findSent = async () => {
      throw new Error("provider unreachable");
    };
    const sendsBefore = unreachable.sent.length;
    harness.clock.advance(harness.dispatch.sendingLeaseMs + 1_000);
    const pass = await dispatchOutbox({ ...harness.dispatch, sms: unreachable }, 10);
    expect(pass.reconciled).toBe(1);
    expect(unreachable.sent.length).toBe(sendsBefore);
    const [after] = await db
      .select()
      .from(outbox)
      .where(eq(outbox.id, row?.id ?? ""));
    expect(after?.status).toBe("sending");
    expect(after?.lastError).toContain("provider unreachable");
  });

  it("never retries a text blindly after a failure that may have reached the provider", async () => {
    const { db } = harness.database;
    const { row } = await queueStaffText("timeout");
    const flaky = new FakeSmsSender(() => harness.clock.now());
    flaky.send = async () => {
      throw new AppError("PROVIDER_UNAVAILABLE", "socket hang up", { retryable: true });
    };
    await dispatchOutbox({ ...harness.dispatch, sms: flaky }, 10);
    const [after] = await db
      .select()
      .from(outbox)
      .where(eq(outbox.id, row?.id ?? ""));
    expect(after?.status).toBe("sending");
    // Within the lease nothing happens; after it, the provider is asked first and, having
    // nothing, the text is sent once.
    const timeoutTexts = () =>
      harness.sms.sent.filter((message) => message.body.endsWith(": timeout"));
    await dispatchOutbox(harness.dispatch, 10);
    expect(timeoutTexts()).toHaveLength(0);
    harness.clock.advance(harness.dispatch.sendingLeaseMs + 1_000);
    expect((await dispatchOutbox(harness.dispatch, 10)).reconciled).toBeGreaterThanOrEqual(1);
    await dispatchOutbox(harness.dispatch, 10);
    expect(timeoutTexts()).toHaveLength(1);
    const [sent] = await db
      .select()
      .from(outbox)
      .where(eq(outbox.id, row?.id ?? ""));
    expect(sent?.status).toBe("sent");
  });

  it("fires a due timer into the thread machine: a kept promise's check closes nothing, a broken one resumes", async () => {
    const phone = testPhone();
    const at = harness.clock.now().toISOString();
    const outcome = await receiveInboundEvent(harness.inbound, {
      provider: "test",
      externalId: `promise-${phone}`,
      type: "thread.event",
      payload: {
        companyId,
        phone,
        event: { ...smsEvent("I'll pay Friday", "PROMISE", at), promiseDate: "2026-11-27" },
      },
    });
    expect(outcome).toMatchObject({ status: "processed", state: "promised" });
    const threadId = outcome.status === "processed" ? outcome.threadId : "";
    const [timer] = await harness.database.db
      .select()
      .from(threadTimers)
      .where(eq(threadTimers.threadId, threadId));
    // Friday plus one grace day, at 10:00 in the company's time zone (America/Chicago).
    expect(timer?.key).toBe("promise.check");
    expect(timer?.dueAt.toISOString()).toBe("2026-11-28T16:00:00.000Z");

    harness.clock.set("2026-11-28T15:59:00Z");
    expect((await fireDueTimers(harness.inbound, 10)).fired).toBe(0);
    harness.clock.set("2026-11-28T16:00:00Z");
    expect((await fireDueTimers(harness.inbound, 10)).fired).toBe(1);
    const [thread] = await harness.database.db
      .select()
      .from(threads)
      .where(eq(threads.id, threadId));
    expect(thread?.state).toBe("active");
  });
});
