import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { threads } from "../../../src/db/schema/index.js";
import type { ReminderSandbox } from "../reminders/reminder-kit.js";

// The customer's side of a conversation, through the sandbox control API.

export async function text(sandbox: ReminderSandbox, phone: string, body: string): Promise<void> {
  await sandbox.call("POST", `/_sandbox/phones/${encodeURIComponent(phone)}/messages`, { body });
}

/** An overdue customer who has just had a first reminder (waiting for the window if needed). */
export async function remindedCustomer(
  sandbox: ReminderSandbox,
  name: string,
  phone: string,
  notes?: string,
): Promise<{ customer: string; invoiceId: string }> {
  const customer = await sandbox.customer(name, phone, "TX", notes);
  // Due three days ago, whatever the clock says now: the overdue rung is due at once.
  const due = new Date(sandbox.running.clock.now().getTime() - 3 * 86_400_000);
  const invoiceId = await sandbox.invoice(
    customer,
    120,
    due.toISOString().slice(0, 10),
    name.slice(0, 4).toUpperCase(),
  );
  // At night or on a Sunday the reminder waits for the window: let time pass until it goes.
  for (let wait = 0; wait < 12 && (await sandbox.messagesTo(phone)).length === 0; wait++) {
    await sandbox.advance("PT6H");
  }
  expect(await sandbox.messagesTo(phone)).toHaveLength(1);
  return { customer, invoiceId };
}

/** The text the business sent last, and how many it has sent. */
export async function lastText(sandbox: ReminderSandbox, phone: string) {
  const messages = await sandbox.messagesTo(phone);
  return { body: messages.at(-1)?.body ?? "", count: messages.length };
}

/** The thread's top-level machine state for this number. */
export async function threadState(
  sandbox: ReminderSandbox,
  phone: string,
): Promise<string | undefined> {
  const [thread] = await sandbox.running.database.db
    .select({ state: threads.state })
    .from(threads)
    .where(eq(threads.phone, phone));
  return thread?.state;
}
