import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messages, outbox, threads } from "../../../src/db/schema/index.js";
import { smsEncoding } from "../../../src/domain/sms-encoding.js";
import { type ReminderSandbox, startReminderSandbox } from "./reminder-kit.js";

// One text per customer per day naming every due invoice; rolling caps; numbers that cannot
// take a text. Through the sandbox; the clock only moves forward.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-01-11, 06:00 in Austin.
  sandbox = await startReminderSandbox("2027-01-11T12:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe("consolidation", () => {
  it("three overdue invoices of one customer produce one text a day naming all three and the total", async () => {
    const phone = "+15125550151";
    const customer = await sandbox.customer("Triple Tap Taqueria", phone);
    await sandbox.invoice(customer, 100, "2027-01-04", "1051");
    await sandbox.invoice(customer, 200, "2027-01-05", "1052");
    await sandbox.invoice(customer, 300, "2027-01-06", "1053");
    expect(await sandbox.messagesTo(phone)).toEqual([]); // 06:00: before the window

    await sandbox.clockTo("2027-01-11T14:00:00Z"); // 08:00 CST
    const first = await sandbox.messagesTo(phone);
    expect(first).toHaveLength(1);
    for (const number of ["1051", "1052", "1053", "$600.00"]) {
      expect(first[0]?.body).toContain(number);
    }

    // The other two reach their own rungs on the 12th and 13th: no extra texts. The oldest
    // invoice leads; its next rung (day 14, Monday the 18th, Martin Luther King Jr. Day, so
    // Tuesday) brings the next text, naming all three.
    await sandbox.clockTo("2027-01-18T23:00:00Z");
    expect(await sandbox.messagesTo(phone)).toHaveLength(1);
    await sandbox.clockTo("2027-01-19T23:00:00Z");
    const messages = await sandbox.messagesTo(phone);
    expect(messages).toHaveLength(2);
    for (const number of ["1051", "1052", "1053", "$600.00"]) {
      expect(messages[1]?.body).toContain(number);
    }
  });
});

describe("language", () => {
  it("a customer marked lang:es in QuickBooks gets the reminder in Spanish, counted exactly", async () => {
    const phone = "+15125550155";
    const customer = await sandbox.customer("Panadería Ruiz", phone, "TX", "lang:es");
    await sandbox.invoice(customer, 1_250.5, "2027-01-11", "1057");
    await sandbox.advance("PT1M");
    const [message] = await sandbox.messagesTo(phone);
    expect(message?.body).toMatch(/^Acme Plumbing & Heating: /);
    expect(message?.body).toContain("1057");
    expect(message?.body).toContain("$1,250.50");
    expect(message?.body).toMatch(/saldo/);
    expect(message?.body).toMatch(/AYUDA/);
    expect(message?.body).toMatch(/STOP/);
    const [row] = await sandbox.running.database.db
      .select({ encoding: messages.encoding, segments: messages.segments, body: messages.body })
      .from(messages)
      .where(eq(messages.toNumber, phone));
    expect(row?.body).toBe(message?.body);
    const expected = smsEncoding(message?.body ?? "");
    expect(row).toMatchObject({ encoding: expected.encoding, segments: expected.segments });
    expect(row?.segments).toBeLessThanOrEqual(3);
  });
});

describe("numbers that cannot take a text", () => {
  it("a landline gets no SMS; staff get a task in Slack instead", async () => {
    const phone = "+15125550153";
    sandbox.emulators.twilio.setFault(phone, "landline");
    const postsBefore = (await sandbox.slackPosts()).length;
    await sandbox.clockTo("2027-01-25T13:00:00Z"); // Monday 07:00 CST
    await sandbox.invoice(
      await sandbox.customer("Rotary Phone Repair", phone),
      75,
      "2027-01-22",
      "1055",
    );
    await sandbox.clockTo("2027-01-25T14:00:00Z"); // 08:00 CST
    expect(await sandbox.messagesTo(phone)).toEqual([]);
    const posts = (await sandbox.slackPosts()).slice(postsBefore);
    expect(posts.some((post) => /landline/i.test(JSON.stringify(post)))).toBe(true);
    // Later rungs stay silent too (the number is known to be a landline now).
    await sandbox.clockTo("2027-01-29T14:00:00Z");
    expect(await sandbox.messagesTo(phone)).toEqual([]);
  });

  it("an opted-out number is never reminded", async () => {
    const phone = "+15125550154";
    await sandbox.invoice(
      await sandbox.customer("Quiet Please Cafe", phone),
      50,
      "2027-02-05",
      "1056",
    );
    await sandbox.call("POST", `/_sandbox/phones/${encodeURIComponent(phone)}/messages`, {
      body: "STOP",
    });
    // Rungs on Feb 2, 5, 8, 12 and 19: the carrier refuses the first, the rest are dropped.
    for (const day of ["02", "05", "08", "12", "19"]) {
      await sandbox.clockTo(`2027-02-${day}T23:00:00Z`);
    }
    const reminders = (await sandbox.messagesTo(phone)).filter(
      (message) => !/unsubscribed|no more|cancel/i.test(message.body),
    );
    expect(reminders).toEqual([]);
    // Our side knew: the STOP reached the thread (Twilio confirmed it, so no text of ours),
    // and no rung ever queued a text.
    const [thread] = await sandbox.running.database.db
      .select({ id: threads.id, state: threads.state })
      .from(threads)
      .where(eq(threads.phone, phone));
    expect(thread?.state).toBe("optedOut");
    const texts = await sandbox.running.database.db
      .select({ status: outbox.status })
      .from(outbox)
      .where(and(eq(outbox.threadId, thread?.id ?? ""), eq(outbox.effectType, "sendSms")));
    expect(texts).toEqual([]);
  });
});

describe("frequency caps", () => {
  it("a Massachusetts number gets at most two reminders in any seven days: the third waits", async () => {
    const phone = "+16175550152";
    // Due Wednesday 2027-03-03: rungs on Sun Feb 28 (sent Monday: no Sunday texts), Wed Mar 3
    // and Sat Mar 6.
    await sandbox.invoice(
      await sandbox.customer("Beacon Hill Books", phone, "MA"),
      120,
      "2027-03-03",
      "1054",
    );
    await sandbox.clockTo("2027-03-01T13:00:00Z"); // Monday 08:00 EST
    await sandbox.clockTo("2027-03-03T13:00:00Z"); // Wednesday 08:00 EST
    expect(await sandbox.messagesTo(phone)).toHaveLength(2);
    await sandbox.clockTo("2027-03-06T13:00:00Z"); // Saturday: a third would go elsewhere
    await sandbox.clockTo("2027-03-08T12:59:59Z");
    expect(await sandbox.messagesTo(phone)).toHaveLength(2);
    // Seven days after the first text, the cap frees up: the deferred reminder goes.
    await sandbox.clockTo("2027-03-08T13:00:00Z");
    const messages = await sandbox.messagesTo(phone);
    expect(messages).toHaveLength(3);
    expect(messages[2]?.body).toContain("1054");
  });
});
