import { and, eq, like, sql } from "drizzle-orm";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transition } from "xstate";
import { toEffects } from "../../../machines/thread.effects.js";
import { threadMachine } from "../../../machines/thread.machine.js";
import {
  persistThread,
  restoreThread,
  THREAD_MACHINE_VERSION,
} from "../../../machines/thread.versions.js";
import type { CustomerTextTarget } from "../../../src/app/receive-customer-text.js";
import type { PreparedRunner } from "../../../src/db/client.js";
import { inboundEvents, messages, outbox, threads } from "../../../src/db/schema/index.js";
import { PreparedFreshCustomerTextStore } from "../../../src/db/stores/fresh-customer-text-store.js";
import { SANDBOX_CREDENTIALS } from "../../../src/sandbox/sandbox-server.js";
import { type ReminderSandbox, startReminderSandbox } from "../reminders/reminder-kit.js";
import { remindedCustomer, text } from "./conversation-kit.js";

// How a customer's text reaches its thread. The usual case (a known customer whose thread
// exists) is stored and applied in two statements, with no second inbound event; anything
// else (a number nobody knows, a thread that keeps moving) goes the general way. Either way
// the text is applied once.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-02-01, 09:00 in Austin.
  sandbox = await startReminderSandbox("2027-02-01T15:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

async function threadOf(phone: string) {
  const [thread] = await sandbox.running.database.db
    .select({ id: threads.id, version: threads.version, state: threads.state })
    .from(threads)
    .where(eq(threads.phone, phone));
  if (!thread) {
    throw new Error(`no thread for ${phone}`);
  }
  return thread;
}

async function textEvents(phone: string) {
  return sandbox.running.database.db
    .select({
      id: inboundEvents.id,
      type: inboundEvents.type,
      status: inboundEvents.status,
      threadId: inboundEvents.threadId,
      externalId: inboundEvents.externalId,
      payload: inboundEvents.payload,
    })
    .from(inboundEvents)
    .where(
      sql`${inboundEvents.payload}->>'From' = ${phone} or ${inboundEvents.payload}->>'phone' = ${phone}`,
    );
}

describe("a customer's text", () => {
  it("from a known customer: one stored event applied in place, the text in the history once; a redelivery changes nothing", async () => {
    const phone = "+15125550191";
    await remindedCustomer(sandbox, "Quick Path Quarry", phone);
    const before = await threadOf(phone);

    await text(sandbox, phone, "HELP");

    const after = await threadOf(phone);
    expect(after.version).toBe(before.version + 1);
    const events = await textEvents(phone);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "twilio.sms",
      status: "processed",
      threadId: after.id,
    });
    const inbound = await sandbox.running.database.db
      .select({ body: messages.body })
      .from(messages)
      .where(and(eq(messages.threadId, after.id), eq(messages.direction, "inbound")));
    expect(inbound).toEqual([{ body: "HELP" }]);
    const sent = (await sandbox.messagesTo(phone)).length;

    // Twilio delivers the same webhook again (same MessageSid), signed as it signs.
    const stored = events[0]?.payload as Record<string, string>;
    const url = `${sandbox.running.appUrl}/webhooks/twilio/sms`;
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilio.getExpectedTwilioSignature(
          SANDBOX_CREDENTIALS.twilio.authToken,
          url,
          stored,
        ),
      },
      body: new URLSearchParams(stored).toString(),
    });
    expect(response.status).toBe(200);
    await sandbox.advance("PT1M");
    expect((await threadOf(phone)).version).toBe(after.version);
    expect(await textEvents(phone)).toHaveLength(1);
    expect((await sandbox.messagesTo(phone)).length).toBe(sent);
  });

  it("from a number nobody knows: the general path answers it for the only company", async () => {
    const phone = "+15125550192";
    await text(sandbox, phone, "HELP");
    const events = await textEvents(phone);
    expect(events.map((event) => `${event.type}:${event.status}`).sort()).toEqual([
      "thread.event:processed",
      "twilio.sms:processed",
    ]);
    const help = await sandbox.messagesTo(phone);
    expect(help.some((message) => message.body.startsWith("Acme Plumbing & Heating"))).toBe(true);
    // Recorded in the new thread's history by the same change, once.
    const thread = await threadOf(phone);
    const inbound = await sandbox.running.database.db
      .select({ body: messages.body })
      .from(messages)
      .where(and(eq(messages.threadId, thread.id), eq(messages.direction, "inbound")));
    expect(inbound).toEqual([{ body: "HELP" }]);
  });

  it("whose thread moved on after it was read: nothing is written; read again, it applies once", async () => {
    const phone = "+15125550193";
    await remindedCustomer(sandbox, "Raced Rafters", phone);
    const store = new PreparedFreshCustomerTextStore(sandbox.running.database.prepared);
    const now = sandbox.running.clock.now();
    const sid = "SMraced0000000000000000000000001";
    const read = await store.read({ messageSid: sid, from: phone });
    if (read.status !== "new" || read.target === null) {
      throw new Error("a known customer's text is read with its thread");
    }
    const { thread } = read.target;
    // Another writer (a payment, a timer) changes the thread in between.
    await sandbox.running.database.db
      .update(threads)
      .set({ version: sql`${threads.version} + 1` })
      .where(eq(threads.id, thread.id));
    const applied = await store.apply(helpChange(read.target, sid, phone, now));

    // Nothing written at all: not the text, not its effects, not the history.
    expect(applied).toEqual({ outcome: "not_applied" });
    const stored = await sandbox.running.database.db
      .select({ id: inboundEvents.id })
      .from(inboundEvents)
      .where(eq(inboundEvents.externalId, sid));
    expect(stored).toEqual([]);
    const queued = await sandbox.running.database.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.causationId, `sms:${sid}`));
    expect(queued).toEqual([]);
    const recorded = await sandbox.running.database.db
      .select({ id: messages.id })
      .from(messages)
      .where(like(messages.providerMessageId, "SMraced%"));
    expect(recorded).toEqual([]);

    // Read again at the new version, the same text applies; once stored, it never applies again.
    const reread = await store.read({ messageSid: sid, from: phone });
    if (reread.status !== "new" || reread.target === null) {
      throw new Error("the text is still new");
    }
    const again = helpChange(reread.target, sid, phone, now);
    expect((await store.apply(again)).outcome).toBe("applied");
    expect(await store.read({ messageSid: sid, from: phone })).toMatchObject({
      status: "duplicate",
    });
    const redelivered = {
      ...again,
      thread: { ...again.thread, version: again.thread.version + 1 },
      step: { ...again.step, save: { ...again.step.save, version: again.thread.version + 2 } },
    };
    expect((await store.apply(redelivered)).outcome).toBe("not_applied");
    await sandbox.advance("PT1M");
    // After the reminder, exactly one answer (the HELP text, naming how to reach billing).
    const answers = (await sandbox.messagesTo(phone)).slice(1);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.body).toContain("(512) 555-0199");
  });

  it("arriving together: four texts take one read and one write; a thread that moved on is left out, the others apply", async () => {
    const phones = ["+15125550194", "+15125550195", "+15125550196", "+15125550197"];
    for (const [index, phone] of phones.entries()) {
      await remindedCustomer(sandbox, `Batch Bakery ${index}`, phone);
    }
    // The real runner, counted: how many statements the store sends for the four texts.
    let statements = 0;
    const counted: PreparedRunner = (text, params) => {
      statements += 1;
      return sandbox.running.database.prepared(text, params);
    };
    const store = new PreparedFreshCustomerTextStore(counted);
    const now = sandbox.running.clock.now();
    const sids = phones.map((_, index) => `SMbatch00000000000000000000000${index}0`);

    const reads = await Promise.all(
      phones.map((phone, index) => store.read({ messageSid: sids[index] ?? "", from: phone })),
    );
    // Submitted in one turn of the event loop, the four leave as one batch.
    expect(statements).toBe(1);
    const targets = reads.map((read) => {
      if (read.status !== "new" || read.target === null) {
        throw new Error("a known customer's text is read with its thread");
      }
      return read.target;
    });
    // The last sender's thread changes after it was read (a payment, a timer).
    const stale = targets[3]?.thread.id ?? "";
    await sandbox.running.database.db
      .update(threads)
      .set({ version: sql`${threads.version} + 1` })
      .where(eq(threads.id, stale));

    statements = 0;
    const outcomes = await Promise.all(
      targets.map((target, index) =>
        store.apply(helpChange(target, sids[index] ?? "", phones[index] ?? "", now)),
      ),
    );
    expect(statements).toBe(1);
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual([
      "applied",
      "applied",
      "applied",
      "not_applied",
    ]);
    for (const [index, phone] of phones.entries()) {
      const thread = await threadOf(phone);
      const stored = await sandbox.running.database.db
        .select({ threadId: inboundEvents.threadId })
        .from(inboundEvents)
        .where(eq(inboundEvents.externalId, sids[index] ?? ""));
      const queued = await sandbox.running.database.db
        .select({ type: outbox.effectType })
        .from(outbox)
        .where(eq(outbox.causationId, `sms:${sids[index]}`));
      if (index < 3) {
        expect(thread.version).toBe((targets[index]?.thread.version ?? 0) + 1);
        expect(stored).toEqual([{ threadId: thread.id }]);
        expect(queued).toEqual([{ type: "sendSms" }]);
      } else {
        // Bumped once by the other writer, never by this text.
        expect(thread.version).toBe((targets[index]?.thread.version ?? 0) + 1);
        expect(stored).toEqual([]);
        expect(queued).toEqual([]);
      }
    }
  });
});

/** The HELP text's change for a thread as read (the machine's step, computed here). */
function helpChange(target: CustomerTextTarget, sid: string, phone: string, now: Date) {
  const { thread, input } = target;
  const [next, actions] = transition(
    threadMachine,
    restoreThread(thread.snapshot, thread.machineVersion, input),
    {
      type: "sms.received" as const,
      at: now.toISOString(),
      text: "HELP",
      intent: "HELP" as const,
      language: "en" as const,
      promiseDate: null,
      choice: null,
      carrierConfirmedOptOut: false,
      cardNumberRedacted: false,
    },
  );
  return {
    thread,
    step: {
      save: {
        snapshot: persistThread(next),
        state: "active",
        machineVersion: THREAD_MACHINE_VERSION,
        version: thread.version + 1,
      },
      effects: toEffects(actions),
    },
    context: { at: now, causationId: `sms:${sid}` },
    payload: { MessageSid: sid, From: phone, To: "+15125550000", Body: "HELP" },
    text: { body: "HELP", from: phone, to: "+15125550000", providerMessageId: sid },
  };
}
