import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { threads } from "../../../src/db/schema/index.js";
import { type ReminderSandbox, startReminderSandbox } from "../reminders/reminder-kit.js";
import { remindedCustomer, text } from "./conversation-kit.js";

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

describe("replies", () => {
  it("HELP is answered with the business, how to reach billing, fees and STOP wording", async () => {
    const phone = "+15125550181";
    await remindedCustomer(sandbox, "Helpful Hardware", phone);
    await text(sandbox, phone, "HELP");
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
    await remindedCustomer(sandbox, "Silent Sawmill", phone);
    await text(sandbox, phone, "please stop texting me");
    const after = await sandbox.messagesTo(phone);
    expect(after).toHaveLength(2);
    expect(after[1]?.body).not.toMatch(/\/p\//);
    await sandbox.advance("P30D");
    expect(await sandbox.messagesTo(phone)).toHaveLength(2);
  });

  it('"Stop texting me and have someone call me": opted out, one confirmation, staff notified, then silence', async () => {
    const phone = "+15125550183";
    await remindedCustomer(sandbox, "Call Me Maybe Catering", phone);
    const slackBefore = (await sandbox.slackPosts()).length;
    await text(sandbox, phone, "Stop texting me and have someone call me");
    const messages = await sandbox.messagesTo(phone);
    expect(messages).toHaveLength(2);
    const posts = (await sandbox.slackPosts()).slice(slackBefore);
    expect(JSON.stringify(posts)).toContain("have someone call me");
    await sandbox.advance("P30D");
    expect(await sandbox.messagesTo(phone)).toHaveLength(2);
  });

  it('"ya pagué": an acknowledgement in Spanish and a task; a check recorded in QuickBooks then closes the thread', async () => {
    const phone = "+15125550184";
    const { invoiceId } = await remindedCustomer(sandbox, "Ferretería Núñez", phone, "lang:es");
    const slackBefore = (await sandbox.slackPosts()).length;
    await text(sandbox, phone, "ya pagué");
    const [, ack] = await sandbox.messagesTo(phone);
    expect(ack?.body).toMatch(/^Acme Plumbing & Heating/);
    expect(ack?.body).toMatch(/gracias|pago/i);
    expect((await sandbox.slackPosts()).length).toBeGreaterThan(slackBefore);

    await sandbox.call("POST", `/_sandbox/qbo/invoices/${invoiceId}/payments`, { amount: 120 });
    const [thread] = await sandbox.running.database.db
      .select({ state: threads.state })
      .from(threads)
      .where(eq(threads.phone, phone));
    expect(thread?.state).toBe("closed");
    const count = (await sandbox.messagesTo(phone)).length;
    await sandbox.advance("P14D");
    expect(await sandbox.messagesTo(phone)).toHaveLength(count);
  });

  it('"le pago el viernes": the date confirmed in Spanish, silence through Friday and the grace day, then one kind nudge', async () => {
    const phone = "+15125550185";
    await remindedCustomer(sandbox, "Panadería Viernes", phone, "lang:es");
    const now = sandbox.running.clock.now().toISOString();
    expect(now.startsWith("2027-")).toBe(true);
    await text(sandbox, phone, "le pago el viernes");
    const [, confirmation] = await sandbox.messagesTo(phone);
    const friday = nextFriday(sandbox.running.clock.now());
    expect(confirmation?.body).toContain(spanishDate(friday));

    // Through Friday and the grace day: nothing.
    // (14:00Z is before the 10:00 local check in both CST and CDT.)
    await sandbox.clockTo(`${addDaysIso(friday, 1)}T14:00:00Z`);
    expect(await sandbox.messagesTo(phone)).toHaveLength(2);
    // The grace day's check finds it unpaid: one kind message in Spanish, and staff know.
    await sandbox.clockTo(`${addDaysIso(friday, 2)}T05:00:00Z`);
    const after = await sandbox.messagesTo(phone);
    expect(after).toHaveLength(3);
    expect(after[2]?.body).toMatch(/saldo|pago/);
    expect(after[2]?.body).toContain("STOP");
  });

  it('"send me the invoice": a link to a copy page with the invoice and its PDF', async () => {
    const phone = "+15125550187";
    await remindedCustomer(sandbox, "Paper Trail Press", phone);
    await text(sandbox, phone, "can you send me a copy of the invoice");
    const reply = (await sandbox.messagesTo(phone)).at(-1);
    const link = /https?:\/\/\S+\/i\/[A-Za-z0-9_-]{43}/.exec(reply?.body ?? "")?.[0];
    expect(link).toBeDefined();
    const page = await fetch(link ?? "");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("PAPE");
  });

  it("PLAN, then 3: three installments, the first link for a third of the balance", async () => {
    const phone = "+15125550186";
    await remindedCustomer(sandbox, "Three Step Stairs", phone);
    await text(sandbox, phone, "can I do a payment plan?");
    const [, offer] = await sandbox.messagesTo(phone);
    expect(offer?.body).toMatch(/2, 3 or 4/);
    await text(sandbox, phone, "3");
    const [, , confirmation] = await sandbox.messagesTo(phone);
    expect(confirmation?.body).toContain("$40.00");
    expect(confirmation?.body).toMatch(/\/p\/[A-Za-z0-9_-]{43}/);
  });
});

function nextFriday(from: Date): string {
  const date = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  do {
    date.setUTCDate(date.getUTCDate() + 1);
  } while (date.getUTCDay() !== 5);
  return date.toISOString().slice(0, 10);
}

function addDaysIso(date: string, days: number): string {
  const next = new Date(`${date}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

const SPANISH_MONTHS = [
  "enero",
  "febrero",
  "marzo",
  "abril",
  "mayo",
  "junio",
  "julio",
  "agosto",
  "septiembre",
  "octubre",
  "noviembre",
  "diciembre",
];

function spanishDate(date: string): string {
  const [, month, day] = date.split("-").map(Number);
  return `${day} de ${SPANISH_MONTHS[(month ?? 1) - 1]}`;
}
