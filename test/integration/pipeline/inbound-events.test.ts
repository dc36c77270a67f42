import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  processInboundEvent,
  receiveInboundEvent,
} from "../../../src/app/process-inbound-event.js";
import { inboundEvents, outbox, threads } from "../../../src/db/schema/index.js";
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

function threadEvent(externalId: string, phone: string, event: Record<string, unknown>) {
  return {
    provider: "test",
    externalId,
    type: "thread.event",
    payload: { companyId, phone, event },
  };
}

async function threadRow(phone: string) {
  const [row] = await harness.database.db.select().from(threads).where(eq(threads.phone, phone));
  return row;
}

async function outboxFor(threadId: string) {
  return harness.database.db.select().from(outbox).where(eq(outbox.threadId, threadId));
}

describe("inbound event pipeline", () => {
  it("applies two events for one thread delivered at the same instant, in some order, both kept", async () => {
    const phone = testPhone();
    const at = harness.clock.now().toISOString();
    const [first, second] = await Promise.all([
      receiveInboundEvent(
        harness.inbound,
        threadEvent(`same-instant-a-${phone}`, phone, smsEvent("help", "HELP", at)),
      ),
      receiveInboundEvent(
        harness.inbound,
        threadEvent(`same-instant-b-${phone}`, phone, smsEvent("what is this?", "OTHER", at)),
      ),
    ]);
    expect(first.status).toBe("processed");
    expect(second.status).toBe("processed");
    const thread = await threadRow(phone);
    expect(thread?.version).toBe(2);
    const effects = await outboxFor(thread?.id ?? "");
    const templates = effects.map((row) => row.payload.template).sort();
    expect(templates).toEqual(["reply.help", "reply.menu"]);
    // The unclear reply was counted exactly once, whichever order the two ran in.
    const snapshot = thread?.snapshot as { context: { unclearReplies: number } } | undefined;
    expect(snapshot?.context.unclearReplies).toBe(1);
  });

  it("applies the same provider event once when it is delivered twice", async () => {
    const phone = testPhone();
    const event = threadEvent(
      `dup-${phone}`,
      phone,
      smsEvent("help", "HELP", harness.clock.now().toISOString()),
    );
    const first = await receiveInboundEvent(harness.inbound, event);
    const again = await receiveInboundEvent(harness.inbound, event);
    expect(first.status).toBe("processed");
    expect(again.status).toBe("duplicate");
    const thread = await threadRow(phone);
    expect(thread?.version).toBe(1);
    expect(await outboxFor(thread?.id ?? "")).toHaveLength(1);
  });

  it("applies the same provider event once when both deliveries race", async () => {
    const phone = testPhone();
    const event = threadEvent(
      `race-${phone}`,
      phone,
      smsEvent("help", "HELP", harness.clock.now().toISOString()),
    );
    const outcomes = await Promise.all([
      receiveInboundEvent(harness.inbound, event),
      receiveInboundEvent(harness.inbound, event),
      receiveInboundEvent(harness.inbound, event),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "processed")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === "duplicate")).toHaveLength(2);
    const thread = await threadRow(phone);
    expect(thread?.version).toBe(1);
    expect(await outboxFor(thread?.id ?? "")).toHaveLength(1);
    const stored = await harness.database.db
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.externalId, `race-${phone}`));
    expect(stored).toHaveLength(1);
  });

  it("leaves nothing behind when the transaction fails after transition(), and applies the event once on retry", async () => {
    const phone = testPhone();
    const { db } = harness.database;
    // A real failure inside the event's transaction, after the machine has run: the outbox
    // insert that persists its effects is refused by the database.
    await db.execute(
      sql.raw(`create or replace function refuse_outbox() returns trigger as $$
        begin raise exception 'simulated crash before commit'; end; $$ language plpgsql`),
    );
    await db.execute(
      sql.raw(
        "create trigger refuse_outbox before insert on outbox for each row execute function refuse_outbox()",
      ),
    );
    const outcome = await receiveInboundEvent(
      harness.inbound,
      threadEvent(
        `crash-${phone}`,
        phone,
        smsEvent("STOP", "STOP", harness.clock.now().toISOString()),
      ),
    );
    expect(outcome.status).toBe("retry");
    expect(await threadRow(phone)).toBeUndefined();
    const [stored] = await db
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.externalId, `crash-${phone}`));
    expect(stored?.status).toBe("pending");
    expect(stored?.attempts).toBe(1);

    await db.execute(sql.raw("drop trigger refuse_outbox on outbox"));
    const retried = await processInboundEvent(harness.inbound, stored?.id ?? "");
    expect(retried.status).toBe("processed");
    const again = await processInboundEvent(harness.inbound, stored?.id ?? "");
    expect(again.status).toBe("skipped");

    const thread = await threadRow(phone);
    expect(thread?.state).toBe("optedOut");
    expect(thread?.version).toBe(1);
    const effects = await outboxFor(thread?.id ?? "");
    expect(effects.map((row) => row.payload.template)).toEqual(["reply.stop_confirm"]);
  });

  it("rejects an unknown event type with a clear, recorded reason and never retries it", async () => {
    const outcome = await receiveInboundEvent(harness.inbound, {
      provider: "test",
      externalId: "unknown-type-1",
      type: "fax.received",
      payload: { pages: 3 },
    });
    expect(outcome.status).toBe("rejected");
    expect(outcome.status === "rejected" && outcome.reason).toContain(
      'Unknown event type "fax.received"',
    );
    const [stored] = await harness.database.db
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.externalId, "unknown-type-1"));
    expect(stored?.status).toBe("rejected");
    expect(stored?.error).toContain("fax.received");
    const pending = await harness.inbound.store.pendingInboundIds(harness.clock.now(), 100);
    expect(pending).not.toContain(stored?.id);
  });

  it("rejects a thread event of the wrong shape, naming the bad field, without creating a thread", async () => {
    const phone = testPhone();
    const outcome = await receiveInboundEvent(
      harness.inbound,
      threadEvent(`bad-shape-${phone}`, phone, { type: "sms.received", at: "yesterday", text: 42 }),
    );
    expect(outcome.status).toBe("rejected");
    const reason = outcome.status === "rejected" ? outcome.reason : "";
    expect(reason).toMatch(/Invalid thread event/);
    expect(reason).toMatch(/text/);
    expect(reason).toMatch(/at/);
    expect(await threadRow(phone)).toBeUndefined();
  });

  it("rejects an envelope whose phone is not E.164", async () => {
    const outcome = await receiveInboundEvent(
      harness.inbound,
      threadEvent(
        "bad-phone-1",
        "512-555-0100",
        smsEvent("hi", "OTHER", harness.clock.now().toISOString()),
      ),
    );
    expect(outcome.status).toBe("rejected");
    expect(outcome.status === "rejected" && outcome.reason).toMatch(/E\.164/);
  });
});
