import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReminderSandbox, startReminderSandbox } from "../reminders/reminder-kit.js";

// Issue 6's flows, end to end through the sandbox control API: the phone texts the business,
// the app understands the reply and answers through the same outbox as reminders.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-02-01, 09:00 in Austin.
  sandbox = await startReminderSandbox("2027-02-01T15:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

async function text(phone: string, body: string): Promise<void> {
  await sandbox.call("POST", `/_sandbox/phones/${encodeURIComponent(phone)}/messages`, { body });
}

/** An overdue customer who has just had their first reminder. */
async function remindedCustomer(name: string, phone: string, notes?: string) {
  const customer = await sandbox.customer(name, phone, "TX", notes);
  const invoiceId = await sandbox.invoice(
    customer,
    120,
    "2027-01-29",
    name.slice(0, 4).toUpperCase(),
  );
  const messages = await sandbox.messagesTo(phone);
  expect(messages).toHaveLength(1);
  return { customer, invoiceId };
}

describe("replies", () => {
  it("HELP is answered with the business, how to reach billing, fees and STOP wording", async () => {
    const phone = "+15125550181";
    await remindedCustomer("Helpful Hardware", phone);
    await text(phone, "HELP");
    // Twilio's own stock answer to the keyword arrives too; ours names the business.
    const help = (await sandbox.messagesTo(phone))
      .slice(1)
      .find((message) => message.body.startsWith("Acme Plumbing & Heating"));
    expect(help?.body).toMatch(/^Acme Plumbing & Heating/);
    expect(help?.body).toContain("(512) 555-0199");
    expect(help?.body).toMatch(/rates may apply/i);
    expect(help?.body).toMatch(/STOP/);
  });

  it("STOP mid-ladder, then 30 days: one confirmation, then silence", async () => {
    const phone = "+15125550182";
    await remindedCustomer("Silent Sawmill", phone);
    await text(phone, "please stop texting me");
    const after = await sandbox.messagesTo(phone);
    expect(after).toHaveLength(2);
    expect(after[1]?.body).not.toMatch(/\/p\//);
    await sandbox.advance("P30D");
    expect(await sandbox.messagesTo(phone)).toHaveLength(2);
  });
});
