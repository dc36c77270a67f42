import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReminderSandbox, startReminderSandbox } from "./reminder-kit.js";

// A reminder the ladder planned on the due date ("due today") but a send gate held back to a
// later day is worded for the day it goes out: the dispatcher applies the ladder's wording
// rule again with the send day. Here the gate is a one-text-per-7-days cap.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Friday 2026-11-20, 06:00 in Austin (CST).
  sandbox = await startReminderSandbox("2026-11-20T12:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe("a reminder held back past its day", () => {
  it("planned as 'due today' on Monday, sent on Friday: it says the invoice was due, never 'today'", async () => {
    const phone = "+15125550195";
    await sandbox.settings({ caps: { perDay: 1, per7Days: 1, per7DaysMassachusetts: 1 } });
    await sandbox.invoice(
      await sandbox.customer("Capped Carpentry", phone),
      480,
      "2026-11-23",
      "1031",
    );

    await sandbox.clockTo("2026-11-20T15:00:00Z"); // Friday 09:00: the friendly rung
    const friendly = await sandbox.messagesTo(phone);
    expect(friendly).toHaveLength(1);
    expect(friendly[0]?.body).toContain("due Nov 23.");

    await sandbox.clockTo("2026-11-23T16:00:00Z"); // Monday 10:00: due today, but capped
    expect(await sandbox.messagesTo(phone)).toHaveLength(1);

    await sandbox.clockTo("2026-11-27T17:00:00Z"); // Friday 11:00: the cap has rolled over
    const later = (await sandbox.messagesTo(phone)).slice(1);
    expect(later.length).toBeGreaterThanOrEqual(1);
    expect(later[0]?.body).toContain("invoice 1031 was due Nov 23.");
    for (const message of later) {
      expect(message.body).not.toMatch(/\btoday\b/i);
    }
  });
});
