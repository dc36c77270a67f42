import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReminderSandbox, startReminderSandbox } from "./reminder-kit.js";

// A rung reached after its day must not be worded for its day. Found walking the console:
// invoices due Thursday 2026-11-19 were texted on Friday the 20th as "is due today" and
// "vence hoy". Through the sandbox; the clock only moves forward.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Friday 2026-11-20, 06:00 in Austin (CST).
  sandbox = await startReminderSandbox("2026-11-20T12:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe("a reminder reached after its rung's day", () => {
  const lateEn = "+15125550191";
  const lateEs = "+15125550192";
  const onTime = "+15125550193";
  const sunday = "+15125550194";

  it("an invoice due yesterday: the first reminder says it was due, with the date, never 'today'", async () => {
    await sandbox.invoice(
      await sandbox.customer("Yesterday Yoga", lateEn),
      749.21,
      "2026-11-19",
      "1027",
    );
    await sandbox.invoice(
      await sandbox.customer("Ayer Autopartes", lateEs, "TX", "lang:es"),
      312.4,
      "2026-11-19",
      "1011",
    );
    await sandbox.invoice(
      await sandbox.customer("Today Tailoring", onTime),
      95,
      "2026-11-20",
      "1028",
    );
    // Due Sunday 2026-11-22; reminders go Monday to Saturday.
    await sandbox.invoice(
      await sandbox.customer("Sunday Supper Club", sunday),
      120,
      "2026-11-22",
      "1029",
    );
    expect(await sandbox.messagesTo(lateEn)).toEqual([]); // 06:00: before the window

    await sandbox.clockTo("2026-11-20T14:00:00Z"); // Friday 08:00 CST

    const [english] = await sandbox.messagesTo(lateEn);
    expect(english?.body).toContain("$749.21");
    expect(english?.body).toContain("invoice 1027 was due Nov 19.");
    expect(english?.body).not.toMatch(/\btoday\b/i);

    const [spanish] = await sandbox.messagesTo(lateEs);
    expect(spanish?.body).toContain("$312.40");
    expect(spanish?.body).toMatch(/la factura 1011 venci[oó] el 19 de noviembre\./);
    expect(spanish?.body).not.toMatch(/\bhoy\b/i);
    expect(spanish?.body).not.toMatch(/vence hoy/i);
  });

  it("an invoice due today still hears 'due today', with the date", async () => {
    const messages = await sandbox.messagesTo(onTime);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body).toContain("invoice 1028 is due today, Nov 20.");
  });

  it("a due date on a Sunday: Friday's friendly text names the date, Monday's says it was due", async () => {
    const friday = await sandbox.messagesTo(sunday);
    expect(friday).toHaveLength(1);
    expect(friday[0]?.body).toContain("invoice 1029, due Nov 22.");
    expect(friday[0]?.body).not.toMatch(/\b(?:today|tomorrow|\d+ days?)\b/i);

    await sandbox.clockTo("2026-11-22T20:00:00Z"); // Sunday 14:00 CST: no texts on Sundays
    expect(await sandbox.messagesTo(sunday)).toHaveLength(1);

    await sandbox.clockTo("2026-11-23T14:00:00Z"); // Monday 08:00 CST
    const monday = await sandbox.messagesTo(sunday);
    expect(monday).toHaveLength(2);
    expect(monday[1]?.body).toContain("invoice 1029 was due Nov 22.");
    expect(monday[1]?.body).not.toMatch(/\btoday\b/i);
  });
});
