import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchOutbox } from "../../../src/app/dispatch-outbox.js";
import { receiveInboundEvent } from "../../../src/app/process-inbound-event.js";
import { outbox, tasks } from "../../../src/db/schema/index.js";
import {
  createCompany,
  createPipelineHarness,
  type PipelineHarness,
  smsEvent,
  testPhone,
} from "../../helpers/pipeline-harness.js";

// A staff event redraws the posts of the thread's open tasks through the outbox: one
// `updateStaffNotice` row per task, resolved to the post's ref when it is dispatched.

let harness: PipelineHarness;
let companyId: string;

beforeAll(async () => {
  harness = await createPipelineHarness();
  companyId = await createCompany(harness.database);
});

afterAll(async () => {
  await harness.close();
});

function submit(externalId: string, phone: string, event: Record<string, unknown>) {
  return receiveInboundEvent(harness.inbound, {
    provider: "test",
    externalId,
    type: "thread.event",
    payload: { companyId, phone, event },
  });
}

function at(): string {
  return harness.clock.now().toISOString();
}

async function redrawRows(threadId: string) {
  return harness.database.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.threadId, threadId), eq(outbox.effectType, "updateStaffNotice")));
}

/** A disputed thread whose staff notice is posted; its thread id and the notice's ref. */
async function disputedThread(phone: string) {
  const applied = await submit(`dispute-${phone}`, phone, smsEvent("not mine", "DISPUTE", at()));
  if (applied.status !== "processed") {
    throw new Error(`dispute not applied: ${JSON.stringify(applied)}`);
  }
  await dispatchOutbox(harness.dispatch, 50);
  // The fake's ref is the notice's position among everything it was sent.
  const index = harness.notifier.notices.findLastIndex((n) => n.threadId === applied.threadId);
  const notice = harness.notifier.notices[index];
  return { threadId: applied.threadId, taskId: notice?.taskId ?? "", ref: `notice-${index + 1}` };
}

describe("staff notice redraws", () => {
  it("take over, hand back and resolve each redraw the posted notice once, in order; resolving closes the task", async () => {
    const phone = testPhone();
    const { threadId, taskId, ref } = await disputedThread(phone);
    const before = harness.notifier.updates.length;

    await submit(`take-${phone}`, phone, { type: "staff.took_over", at: at(), user: "U1" });
    await dispatchOutbox(harness.dispatch, 50);
    await submit(`back-${phone}`, phone, { type: "staff.released", at: at(), user: "U2" });
    await dispatchOutbox(harness.dispatch, 50);
    // The machine takes a resolution from a thread a person owns (or a dispute, a paid claim).
    await submit(`retake-${phone}`, phone, { type: "staff.took_over", at: at(), user: "U3" });
    await dispatchOutbox(harness.dispatch, 50);
    await submit(`done-${phone}`, phone, {
      type: "staff.resolved",
      at: at(),
      user: "U3",
      outcome: "resume",
    });
    await dispatchOutbox(harness.dispatch, 50);

    const updates = harness.notifier.updates.slice(before);
    expect(updates.map((update) => [update.ref, update.notice.taskId, update.status])).toEqual([
      [ref, taskId, { state: "taken_over", by: "U1" }],
      [ref, taskId, { state: "handed_back", by: "U2" }],
      [ref, taskId, { state: "taken_over", by: "U3" }],
      [ref, taskId, { state: "resolved", by: "U3" }],
    ]);
    // The redraw shows the task's own reason and words, not a generic notice.
    expect(updates[0]?.notice).toMatchObject({ reason: "dispute", text: "not mine" });
    const [task] = await harness.database.db.select().from(tasks).where(eq(tasks.id, taskId));
    expect(task?.status).toBe("done");
    expect((await redrawRows(threadId)).map((row) => row.status)).toEqual([
      "sent",
      "sent",
      "sent",
      "sent",
    ]);

    // A resolved task's post is not redrawn by a later take-over.
    await submit(`again-${phone}`, phone, { type: "staff.took_over", at: at(), user: "U1" });
    await dispatchOutbox(harness.dispatch, 50);
    expect(harness.notifier.updates.length).toBe(before + 4);
  });

  it("a redelivered staff event redraws once", async () => {
    const phone = testPhone();
    const { threadId } = await disputedThread(phone);
    const before = harness.notifier.updates.length;
    const event = { type: "staff.took_over", at: at(), user: "U1" };

    expect((await submit(`take-${phone}`, phone, event)).status).toBe("processed");
    expect((await submit(`take-${phone}`, phone, event)).status).toBe("duplicate");
    await dispatchOutbox(harness.dispatch, 50);

    expect(harness.notifier.updates.length).toBe(before + 1);
    expect(await redrawRows(threadId)).toHaveLength(1);
  });

  it("two redraws due together: the older one is skipped, so the post never goes back", async () => {
    const phone = testPhone();
    const { threadId } = await disputedThread(phone);
    const before = harness.notifier.updates.length;

    // Both queued before the dispatcher runs (same instant: the clock does not move).
    await submit(`take-${phone}`, phone, { type: "staff.took_over", at: at(), user: "U1" });
    await submit(`back-${phone}`, phone, { type: "staff.released", at: at(), user: "U1" });
    await dispatchOutbox(harness.dispatch, 50);

    expect(harness.notifier.updates.slice(before).map((update) => update.status.state)).toEqual([
      "handed_back",
    ]);
    const rows = await redrawRows(threadId);
    expect(rows.map((row) => [row.payload.state, row.status]).sort()).toEqual([
      ["handed_back", "sent"],
      ["taken_over", "skipped"],
    ]);
  });

  it("a task whose notice was never posted: the redraw is skipped with a note", async () => {
    const phone = testPhone();
    const applied = await submit(`dispute-${phone}`, phone, smsEvent("no", "DISPUTE", at()));
    const threadId = applied.status === "processed" ? applied.threadId : "";
    await harness.database.db
      .update(outbox)
      .set({ status: "failed", lastError: "Slack refused it" })
      .where(and(eq(outbox.threadId, threadId), eq(outbox.effectType, "notifyStaff")));
    await dispatchOutbox(harness.dispatch, 50);
    const before = harness.notifier.updates.length;

    await submit(`take-${phone}`, phone, { type: "staff.took_over", at: at(), user: "U1" });
    await dispatchOutbox(harness.dispatch, 50);

    expect(harness.notifier.updates.length).toBe(before);
    const [row] = await redrawRows(threadId);
    expect(row).toMatchObject({
      status: "skipped",
      lastError: "the task's notice was never posted",
    });
  });
});
