import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReminderSandbox, startReminderSandbox } from "../reminders/reminder-kit.js";

// Staff tasks reach the company's Slack channel with the customer, the invoices, the last
// texts and the reason, through the whole sandboxed product: QuickBooks records, the clock,
// the customer's phone, and the Slack emulator's channel history.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-02-01, 06:00 in Austin.
  sandbox = await startReminderSandbox("2027-02-01T12:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

interface SlackPost {
  ts: string;
  text: string;
  buttons: Array<{ action_id: string }>;
}

async function postsSince(count: number): Promise<SlackPost[]> {
  const state = await sandbox.call<{ slack: SlackPost[] }>("GET", "/_sandbox/state");
  return state.slack.slice(count);
}

/** What staff see in the channel: the posted blocks, as stored by the emulator. */
function blocksOf(ts: string): string {
  const entry = sandbox.emulators.slack.channelHistory().find((message) => message.ts === ts);
  return JSON.stringify(entry?.blocks ?? []);
}

/** A text on one line, cut to `max` characters with an ellipsis, as Slack is sent it. */
function shortened(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return escaped(line.length <= max ? line : `${line.slice(0, max - 1)}…`);
}

/** Slack's mrkdwn escapes (the business name "Acme Plumbing & Heating" has an ampersand). */
function escaped(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A customer with one overdue invoice, reminded by 08:00 (Austin) on `day`; the last text. */
async function remindedCustomer(name: string, phone: string, docNumber: string, day: string) {
  const customerId = await sandbox.customer(name, phone);
  await sandbox.invoice(customerId, 90, "2027-01-29", docNumber);
  await sandbox.clockTo(`${day}T14:00:00Z`);
  const reminder = (await sandbox.messagesTo(phone)).at(-1);
  if (!reminder) {
    throw new Error("expected a reminder");
  }
  return { customerId, reminder: reminder.body };
}

describe("staff notices in Slack", () => {
  it("an invoice above the approval limit: the notice names the customer, every open invoice with its balance, and the last text", async () => {
    const phone = "+15125550181";
    const { customerId, reminder } = await remindedCustomer(
      "José Núñez Plumbing",
      phone,
      "2101",
      "2027-02-01",
    );
    await sandbox.settings({ approvalThresholdMinor: 500_000 });
    const before = (await sandbox.slackPosts()).length;

    // Due today: its first rung is now, and it needs approval before any text names it.
    await sandbox.invoice(customerId, 8_000, "2027-02-01", "2102");
    await sandbox.advance("PT1M");

    const posts = await postsSince(before);
    const notice = posts.find((post) => post.text.includes("needs approval"));
    expect(notice, JSON.stringify(posts)).toBeDefined();
    const lines = notice?.text.split("\n") ?? [];
    expect(lines[0]).toBe(
      `Needs a person: A large invoice needs approval before its first text (José Núñez Plumbing, ${phone})`,
    );
    expect(lines).toContain(
      "Invoices: #2101 $90.00 due 2027-01-29; #2102 $8,000.00 due 2027-02-01",
    );
    expect(lines).toContain(`Us: ${shortened(reminder, 200)}`);
    expect(notice?.buttons.map((button) => button.action_id)).toEqual([
      "take_over",
      "hand_back",
      "mark_resolved",
    ]);

    const blocks = blocksOf(notice?.ts ?? "");
    expect(blocks).toContain("*Customer*\\nJosé Núñez Plumbing");
    expect(blocks).toContain("• #2101: $90.00 due Jan 29, 2027");
    expect(blocks).toContain("• #2102: $8,000.00 due Feb 1, 2027");
    expect(blocks).toContain("*Invoices* (2 open, $8,090.00 in all)");
    expect(blocks).toContain(JSON.stringify(`> ${shortened(reminder, 400)}`).slice(1, -1));
    expect(blocks).toContain("*What happened*");
  });

  it("a dispute: the customer's words, the invoice and the reminder they answered", async () => {
    const phone = "+15125550182";
    const { reminder } = await remindedCustomer("Disputing Dental", phone, "2201", "2027-02-02");
    const before = (await sandbox.slackPosts()).length;

    await sandbox.call("POST", `/_sandbox/phones/${encodeURIComponent(phone)}/messages`, {
      body: "I dispute this invoice, we never got that service",
    });

    const posts = await postsSince(before);
    const notice = posts.find((post) => post.text.includes("disputes"));
    expect(notice, JSON.stringify(posts)).toBeDefined();
    const lines = notice?.text.split("\n") ?? [];
    expect(lines[0]).toBe(
      `Needs a person: Customer disputes the invoice (Disputing Dental, ${phone})`,
    );
    expect(lines[1]).toBe("Customer wrote: “I dispute this invoice, we never got that service”");
    expect(lines).toContain("Invoices: #2201 $90.00 due 2027-01-29");

    const blocks = blocksOf(notice?.ts ?? "");
    expect(blocks).toContain(
      "*Customer wrote*\\n> I dispute this invoice, we never got that service",
    );
    expect(blocks).toContain("• #2201: $90.00 due Jan 29, 2027");
    // The last texts in the order they happened: the reminder, the customer's answer, our
    // acknowledgement of the dispute.
    const entry = sandbox.emulators.slack.channelHistory().find((m) => m.ts === notice?.ts);
    const lastMessages = (entry?.blocks ?? [])
      .map((block) => (block.text as { text?: string } | undefined)?.text ?? "")
      .find((text) => text.startsWith("*Last messages*"));
    expect([...(lastMessages ?? "").matchAll(/^\*(Us|Customer)\* · /gm)].map((m) => m[1])).toEqual([
      "Us",
      "Customer",
      "Us",
    ]);
    expect(lastMessages).toContain(`> ${shortened(reminder, 400)}`);
    expect(lastMessages).toContain("> I dispute this invoice, we never got that service");
  });
});
