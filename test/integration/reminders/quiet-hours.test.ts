import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReminderSandbox, startReminderSandbox } from "./reminder-kit.js";

// DESIGN §5 at its boundaries, through the sandbox: the clock moves, the scheduler and
// dispatcher run, and the emulated phone shows what arrived. One sandbox, one clock that only
// moves forward: each case has its own customer and happens later than the one before.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Tuesday 2026-12-01, 06:00 in Austin.
  sandbox = await startReminderSandbox("2026-12-01T12:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe("the customer's local window", () => {
  it("an invoice due in 3 days gets the friendly text at 08:00 local, not at 07:59:59", async () => {
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
    expect(messages[0]?.body).toContain("Dec 7");
    expect(messages[0]?.body).toMatch(/\/p\/[A-Za-z0-9_-]{43}/);
    expect(messages[0]?.body).toContain("STOP");
  });

  it("at 20:59:59 a text goes; at 21:00:00 it waits until 08:00 the next morning", async () => {
    const lastMinute = "+15125550142";
    const tooLate = "+15125550143";
    await sandbox.clockTo("2026-12-05T02:59:59Z"); // Friday 20:59:59 CST
    // Overdue by three days when it reaches QuickBooks: the reminder is due at once.
    await sandbox.invoice(
      await sandbox.customer("Night Owl Diner", lastMinute),
      80,
      "2026-12-01",
      "1042",
    );
    expect(await sandbox.messagesTo(lastMinute)).toHaveLength(1);

    await sandbox.clockTo("2026-12-05T03:00:00Z"); // 21:00:00 CST
    await sandbox.invoice(
      await sandbox.customer("Late Shift Laundry", tooLate),
      90,
      "2026-12-01",
      "1043",
    );
    expect(await sandbox.messagesTo(tooLate)).toEqual([]);

    await sandbox.clockTo("2026-12-05T13:59:59Z"); // Saturday 07:59:59 CST
    expect(await sandbox.messagesTo(tooLate)).toEqual([]);
    await sandbox.clockTo("2026-12-05T14:00:00Z"); // 08:00:00 CST
    const messages = await sandbox.messagesTo(tooLate);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body).toContain("1043");
  });

  it("on a US federal holiday the reminder waits a day", async () => {
    const phone = "+15125550144";
    // Due Monday 2026-12-28: the 3-days-before rung falls on Christmas Day.
    await sandbox.invoice(
      await sandbox.customer("Holly Florist", phone),
      150,
      "2026-12-28",
      "1044",
    );
    await sandbox.clockTo("2026-12-25T14:00:00Z"); // Christmas, 08:00 CST
    await sandbox.clockTo("2026-12-25T20:00:00Z"); // 14:00 CST
    expect(await sandbox.messagesTo(phone)).toEqual([]);
    await sandbox.clockTo("2026-12-26T13:59:59Z");
    expect(await sandbox.messagesTo(phone)).toEqual([]);
    await sandbox.clockTo("2026-12-26T14:00:00Z"); // Saturday 08:00 CST
    const messages = await sandbox.messagesTo(phone);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body).toContain("1044");
  });

  it("a 212 number with a California address is texted only from 11:00 Eastern", async () => {
    const phone = "+12125550177";
    await sandbox.invoice(
      await sandbox.customer("Bicoastal Studio", phone, "CA"),
      300,
      "2027-01-08",
      "1045",
    );
    // The rung is Tuesday 2027-01-05: 08:00 Eastern is 05:00 in California.
    await sandbox.clockTo("2027-01-05T13:00:00Z"); // 08:00 EST
    await sandbox.clockTo("2027-01-05T15:59:59Z"); // 10:59:59 EST, 07:59:59 PST
    expect(await sandbox.messagesTo(phone)).toEqual([]);
    await sandbox.clockTo("2027-01-05T16:00:00Z"); // 11:00 EST, 08:00 PST
    expect(await sandbox.messagesTo(phone)).toHaveLength(1);
  });

  it("across a DST change: 08:00 local is an hour earlier in UTC", async () => {
    const phone = "+15125550145";
    // Due Thursday 2027-03-18: the rung is Monday 2027-03-15, the day after clocks sprang forward.
    await sandbox.invoice(
      await sandbox.customer("Spring Forward Gym", phone),
      60,
      "2027-03-18",
      "1046",
    );
    await sandbox.clockTo("2027-03-15T12:59:59Z"); // 07:59:59 CDT
    expect(await sandbox.messagesTo(phone)).toEqual([]);
    await sandbox.clockTo("2027-03-15T13:00:00Z"); // 08:00:00 CDT (14:00Z before the change)
    expect(await sandbox.messagesTo(phone)).toHaveLength(1);
  });

  it("a reminder that expires in the carrier's queue (30036) is planned again for the next window", async () => {
    const phone = "+15125550146";
    sandbox.emulators.twilio.setFault(phone, "queue");
    // Due Thursday 2027-03-25: the rung is Monday 2027-03-22.
    await sandbox.invoice(
      await sandbox.customer("Backlog Bistro", phone),
      45,
      "2027-03-25",
      "1047",
    );
    await sandbox.clockTo("2027-03-22T13:00:00Z"); // 08:00 CDT: handed to Twilio, stuck
    expect((await sandbox.messagesTo(phone)).map((message) => message.status)).toEqual(["queued"]);
    await sandbox.clockTo("2027-03-23T02:00:00Z"); // 21:00 CDT: its validity ran out
    expect((await sandbox.messagesTo(phone)).map((message) => message.status)).toEqual(["failed"]);

    sandbox.emulators.twilio.setFault(phone, null);
    await sandbox.clockTo("2027-03-23T12:59:59Z");
    expect(await sandbox.messagesTo(phone)).toHaveLength(1);
    await sandbox.clockTo("2027-03-23T15:00:00Z"); // Tuesday morning: a fresh reminder
    const messages = await sandbox.messagesTo(phone);
    expect(messages.map((message) => message.status)).toEqual(["failed", "delivered"]);
    expect(messages[1]?.body).toContain("1047");
  });

  it("a reminder the handset could not receive (30003) is tried again the next day, once", async () => {
    const phone = "+15125550147";
    sandbox.emulators.twilio.setFault(phone, "30003");
    // Due Monday 2027-03-29: the rung is Friday 2027-03-26.
    await sandbox.invoice(
      await sandbox.customer("Dead Zone Diving", phone),
      35,
      "2027-03-29",
      "1048",
    );
    await sandbox.clockTo("2027-03-26T20:00:00Z"); // Friday afternoon
    expect((await sandbox.messagesTo(phone)).map((message) => message.status)).toEqual([
      "undelivered",
    ]);
    sandbox.emulators.twilio.setFault(phone, null);
    await sandbox.clockTo("2027-03-27T20:00:00Z"); // Saturday: the daily cap let it wait a day
    const messages = await sandbox.messagesTo(phone);
    expect(messages.map((message) => message.status)).toEqual(["undelivered", "delivered"]);
    expect(messages[1]?.body).toContain("1048");
  });
});
