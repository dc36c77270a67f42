import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tasks, threads } from "../../../src/db/schema/index.js";
import { type ReminderSandbox, startReminderSandbox } from "../reminders/reminder-kit.js";
import { lastText, remindedCustomer, text, threadState } from "./conversation-kit.js";

// A payment that shows up in QuickBooks (a check the bookkeeper records) rather than through a
// pay link, end to end through the sandbox control API: a customer who said something about
// paying hears the same thanks as after a card payment, once, in their language; an invoice
// voided instead of paid closes the thread without one; while staff own the thread they are
// told instead.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-02-01, 09:00 in Austin.
  sandbox = await startReminderSandbox("2027-02-01T15:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

/** The staff tasks of the thread with this phone, as reason:status. */
async function tasksOf(phone: string): Promise<string[]> {
  const rows = await sandbox.running.database.db
    .select({ reason: tasks.reason, status: tasks.status })
    .from(tasks)
    .innerJoin(threads, eq(threads.id, tasks.threadId))
    .where(eq(threads.phone, phone));
  return rows.map((row) => `${row.reason}:${row.status}`).sort();
}

describe("a payment recorded in QuickBooks", () => {
  it('"ya pagué", then a check for the full balance: one thanks in Spanish, the thread closed, no more reminders', async () => {
    const phone = "+15125550191";
    const { invoiceId } = await remindedCustomer(sandbox, "Taller Ortega", phone, "lang:es");
    await text(sandbox, phone, "ya pagué");
    const ack = await lastText(sandbox, phone);
    expect(ack.count).toBe(2);
    expect(ack.body).toMatch(/gracias|pago/i);
    expect(await threadState(sandbox, phone)).toBe("paidClaimed");
    expect(await tasksOf(phone)).toEqual(["verify_payment:open"]);

    await sandbox.call("POST", `/_sandbox/qbo/invoices/${invoiceId}/payments`, { amount: 120 });
    await sandbox.advance("PT1H");
    const after = await sandbox.messagesTo(phone);
    expect(after).toHaveLength(3);
    expect(after[2]?.body).toMatch(/^Acme Plumbing & Heating: pago recibido, ¡gracias!/);
    expect(await threadState(sandbox, phone)).toBe("closed");
    // Nothing left for staff to verify: the payment is there.
    expect(await tasksOf(phone)).toEqual(["verify_payment:done"]);

    // Past every rung of the ladder and the unverified-claim check: silence.
    await sandbox.advance("P30D");
    expect(await sandbox.messagesTo(phone)).toHaveLength(3);
  });

  it('"ya pagué", then the invoice voided instead: closed without a thank-you', async () => {
    const phone = "+15125550192";
    const { invoiceId } = await remindedCustomer(sandbox, "Vidrios Anulados", phone, "lang:es");
    await text(sandbox, phone, "ya pagué");
    expect((await lastText(sandbox, phone)).count).toBe(2);

    sandbox.emulators.quickbooks.voidInvoice(invoiceId);
    await sandbox.advance("PT1H");
    expect(await threadState(sandbox, phone)).toBe("closed");
    expect(await sandbox.messagesTo(phone)).toHaveLength(2);
    // Nothing owed either way: the claim needs no checking.
    expect(await tasksOf(phone)).toEqual(["verify_payment:done"]);
    await sandbox.advance("P30D");
    expect(await sandbox.messagesTo(phone)).toHaveLength(2);
  });

  it("while a person owns the thread: no text, staff told the payment arrived, the thread closed", async () => {
    const phone = "+15125550193";
    const { invoiceId } = await remindedCustomer(sandbox, "Handed Off Hardware", phone);
    await text(sandbox, phone, "can I talk to a real person");
    expect(await threadState(sandbox, phone)).toBe("handedOff");
    const count = (await lastText(sandbox, phone)).count;
    const slack = (await sandbox.slackPosts()).length;

    await sandbox.call("POST", `/_sandbox/qbo/invoices/${invoiceId}/payments`, { amount: 120 });
    await sandbox.advance("PT1H");
    expect(await threadState(sandbox, phone)).toBe("closed");
    expect((await lastText(sandbox, phone)).count).toBe(count);
    expect(JSON.stringify((await sandbox.slackPosts()).slice(slack))).toMatch(/Payment received/);
  });
});
