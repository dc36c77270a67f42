import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentEvents, customers } from "../../../src/db/schema/index.js";
import { type ReminderSandbox, startReminderSandbox } from "../reminders/reminder-kit.js";
import { lastText, remindedCustomer, text, threadState } from "./conversation-kit.js";

// Replies that need a person, or the right words: DISPUTE, HUMAN, WRONG_NUMBER, START,
// LANGUAGE, unclear replies, a promise too far out. Through the sandbox, both languages.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Tuesday 2027-02-02, 09:00 in Austin.
  sandbox = await startReminderSandbox("2027-02-02T15:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

async function newSlackPosts(before: number): Promise<string> {
  return JSON.stringify((await sandbox.slackPosts()).slice(before));
}

describe("replies that need a person", () => {
  it("DISPUTE: acknowledged, reminders paused, staff get the customer's words", async () => {
    const phone = "+15125550191";
    await remindedCustomer(sandbox, "Picky Plumbers", phone);
    const slack = (await sandbox.slackPosts()).length;
    await text(sandbox, phone, "I was charged twice for this, the amount is wrong");
    expect((await lastText(sandbox, phone)).count).toBe(2);
    expect(await threadState(sandbox, phone)).toBe("disputed");
    expect(await newSlackPosts(slack)).toContain("charged twice");
    await sandbox.advance("P14D");
    expect((await lastText(sandbox, phone)).count).toBe(2);
  });

  it("HUMAN (in Spanish): handed to a person, told so in Spanish, staff notified", async () => {
    const phone = "+15125550192";
    await remindedCustomer(sandbox, "Taller Herrera", phone, "lang:es");
    const slack = (await sandbox.slackPosts()).length;
    await text(sandbox, phone, "quiero hablar con una persona por favor");
    const { body, count } = await lastText(sandbox, phone);
    expect(count).toBe(2);
    expect(body).toMatch(/^Acme Plumbing & Heating/);
    expect(body).toMatch(/persona|equipo/);
    expect(await threadState(sandbox, phone)).toBe("handedOff");
    expect((await sandbox.slackPosts()).length).toBeGreaterThan(slack);
  });

  it("two unclear replies in a row: a menu, then staff take over", async () => {
    const phone = "+15125550193";
    await remindedCustomer(sandbox, "Vague Ventures", phone);
    await text(sandbox, phone, "hmm ok what");
    const menu = await lastText(sandbox, phone);
    expect(menu.count).toBe(2);
    expect(menu.body).toMatch(/PAID/);
    expect(menu.body).toMatch(/HELP/);
    const slack = (await sandbox.slackPosts()).length;
    await text(sandbox, phone, "banana");
    expect(await threadState(sandbox, phone)).toBe("handedOff");
    expect((await sandbox.slackPosts()).length).toBeGreaterThan(slack);
  });

  it("a promise further out than 30 days goes to staff", async () => {
    const phone = "+15125550194";
    await remindedCustomer(sandbox, "Far Future Farms", phone);
    const slack = (await sandbox.slackPosts()).length;
    await text(sandbox, phone, "I will pay on June 30");
    expect(await newSlackPosts(slack)).not.toBe("[]");
    expect(await threadState(sandbox, phone)).toBe("handedOff");
  });
});

describe("consent and language", () => {
  it("WRONG_NUMBER: opted out with one confirmation, the customer flagged for staff", async () => {
    const phone = "+15125550195";
    await remindedCustomer(sandbox, "Mistaken Identity Inc", phone);
    await text(sandbox, phone, "wrong number, I don't know this company");
    expect((await lastText(sandbox, phone)).count).toBe(2);
    expect(await threadState(sandbox, phone)).toBe("optedOut");
    const [customer] = await sandbox.running.database.db
      .select({ flagged: customers.flaggedForStaff })
      .from(customers)
      .where(eq(customers.displayName, "Mistaken Identity Inc"));
    expect(customer?.flagged).toBe(true);
    await sandbox.advance("P10D");
    expect((await lastText(sandbox, phone)).count).toBe(2);
  });

  it("START after STOP re-subscribes with one confirmation, recorded in the consent ledger", async () => {
    const phone = "+15125550196";
    await remindedCustomer(sandbox, "Second Chance Saloon", phone);
    await text(sandbox, phone, "no more texts please");
    expect(await threadState(sandbox, phone)).toBe("optedOut");
    const before = (await lastText(sandbox, phone)).count;
    await text(sandbox, phone, "START");
    expect(await threadState(sandbox, phone)).toBe("active");
    const ledger = await sandbox.running.database.db
      .select({ change: consentEvents.change })
      .from(consentEvents)
      .where(eq(consentEvents.e164, phone));
    expect(ledger.map((row) => row.change)).toEqual(["opt_out", "opt_in"]);
    // Twilio's stock START answer plus exactly one of ours.
    const added = (await sandbox.messagesTo(phone)).slice(before);
    expect(
      added.filter((message) => message.body.startsWith("Acme Plumbing & Heating")),
    ).toHaveLength(1);
  });

  it("LANGUAGE: 'en español por favor' switches the thread and repeats the last message in Spanish", async () => {
    const phone = "+15125550197";
    await remindedCustomer(sandbox, "Bilingual Bakery", phone);
    await text(sandbox, phone, "en español por favor");
    const { body } = await lastText(sandbox, phone);
    expect(body).toMatch(/saldo|factura/);
    expect(body).toContain("STOP");
  });
});

describe("the same flows in Spanish", () => {
  it("AYUDA is answered in Spanish with the contact and STOP wording", async () => {
    const phone = "+15125550211";
    await remindedCustomer(sandbox, "Ayuda Hermanos", phone, "lang:es");
    await text(sandbox, phone, "AYUDA");
    const help = (await sandbox.messagesTo(phone))
      .slice(1)
      .find((message) => message.body.startsWith("Acme Plumbing & Heating"));
    expect(help?.body).toMatch(/recordatorios|ayuda/i);
    expect(help?.body).toContain("(512) 555-0199");
    expect(help?.body).toContain("STOP");
  });

  it('"ya no me manden mensajes": opted out with one confirmation in Spanish, then silence', async () => {
    const phone = "+15125550212";
    await remindedCustomer(sandbox, "Silencio Textiles", phone, "lang:es");
    await text(sandbox, phone, "ya no me manden mensajes");
    const { body, count } = await lastText(sandbox, phone);
    expect(count).toBe(2);
    expect(body).toMatch(/no recibir|cancel|suscrip/i);
    expect(body).not.toMatch(/\/p\//);
    expect(await threadState(sandbox, phone)).toBe("optedOut");
    await sandbox.advance("P21D");
    expect((await lastText(sandbox, phone)).count).toBe(2);
  });

  it('"esa factura está mal, no la debo": a dispute acknowledged in Spanish, staff get the words', async () => {
    const phone = "+15125550213";
    await remindedCustomer(sandbox, "Disputas Delgado", phone, "lang:es");
    const slack = (await sandbox.slackPosts()).length;
    await text(sandbox, phone, "esa factura está mal, no la debo");
    expect(await threadState(sandbox, phone)).toBe("disputed");
    expect((await lastText(sandbox, phone)).body).toMatch(/revis|gracias|equipo/i);
    expect(await newSlackPosts(slack)).toContain("no la debo");
  });

  it('"plan de pagos", then 3: the offer and the confirmation in Spanish, with a link for a third', async () => {
    const phone = "+15125550214";
    await remindedCustomer(sandbox, "Plazos Pérez", phone, "lang:es");
    await text(sandbox, phone, "quiero un plan de pagos");
    expect((await lastText(sandbox, phone)).body).toMatch(/2, 3 o 4/);
    await text(sandbox, phone, "3");
    const { body } = await lastText(sandbox, phone);
    expect(body).toContain("$40.00");
    expect(body).toMatch(/\/p\/[A-Za-z0-9_-]{43}/);
    expect(await threadState(sandbox, phone)).toBe("onPlan");
  });
});
