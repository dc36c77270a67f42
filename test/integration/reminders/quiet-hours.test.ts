import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReminderSandbox, startReminderSandbox } from "./reminder-kit.js";

// DESIGN §5 at its boundaries, through the sandbox: the clock moves, the scheduler and
// dispatcher run, and the emulated phone shows what arrived.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Tuesday 2026-12-01, 06:00 in Austin.
  sandbox = await startReminderSandbox("2026-12-01T12:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe("an invoice due in 3 days", () => {
  it("gets the friendly text at 08:00 local, not at 07:59:59", async () => {
    const phone = "+15125550141";
    const customer = await sandbox.customer("Early Bird Bakery", phone, "TX");
    // Due Monday 2026-12-07: the 3-days-before rung is Friday 2026-12-04.
    await sandbox.invoice(customer, 240, "2026-12-07", "1041");
    expect(await sandbox.messagesTo(phone)).toEqual([]);

    await sandbox.clockTo("2026-12-04T13:59:59Z"); // 07:59:59 CST
    expect(await sandbox.messagesTo(phone)).toEqual([]);

    await sandbox.clockTo("2026-12-04T14:00:00Z"); // 08:00:00 CST
    const messages = await sandbox.messagesTo(phone);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body).toMatch(/^Acme Plumbing & Heating: /);
    expect(messages[0]?.body).toContain("1041");
    expect(messages[0]?.body).toContain("$240.00");
    expect(messages[0]?.body).toMatch(/STOP/);
  });
});
