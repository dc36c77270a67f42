import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../../src/db/schema/index.js";
import { type ReminderSandbox, startReminderSandbox } from "./reminder-kit.js";

// The pre-send check and review-before-send: nothing goes to a customer who has paid, even
// when the payment arrived after the text was planned or its webhook was lost.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-02-01, 06:00 in Austin.
  sandbox = await startReminderSandbox("2027-02-01T12:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

const PAY_LINK = /https?:\/\/\S+\/p\/[A-Za-z0-9_-]{43}/;

async function companyPath(path: string): Promise<string> {
  return `/api/companies/${await sandbox.companyId()}${path}`;
}

async function held(): Promise<Array<{ outboxId: string; template: string }>> {
  return (
    await sandbox.admin<{ held: Array<{ outboxId: string; template: string }> }>(
      "GET",
      await companyPath("/review"),
    )
  ).held;
}

describe("review-before-send", () => {
  it("holds the day's reminders until approved, then sends them", async () => {
    await sandbox.settings({ sendingMode: "review" });
    const phone = "+15125550161";
    await sandbox.invoice(
      await sandbox.customer("Careful Cabinets", phone),
      90,
      "2027-01-29",
      "1061",
    );
    await sandbox.clockTo("2027-02-01T14:00:00Z"); // 08:00 CST
    expect(await sandbox.messagesTo(phone)).toEqual([]);
    const queue = await held();
    expect(queue.map((item) => item.template)).toEqual(["reminder.overdue"]);

    await sandbox.admin("POST", await companyPath("/review/approve"), {
      ids: queue.map((item) => item.outboxId),
    });
    await sandbox.advance("PT1M");
    const messages = await sandbox.messagesTo(phone);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body).toContain("1061");
    expect(await held()).toEqual([]);
  });

  it("a check recorded in QuickBooks after the text was queued but before it was sent: nothing is sent", async () => {
    const phone = "+15125550162";
    const customer = await sandbox.customer("Paper Check Printing", phone);
    const invoiceId = await sandbox.invoice(customer, 140, "2027-01-29", "1062");
    await sandbox.advance("PT1M");
    expect((await held()).length).toBe(1);

    // The customer mails a check; the bookkeeper records it in QuickBooks.
    await sandbox.call("POST", `/_sandbox/qbo/invoices/${invoiceId}/payments`, { amount: 140 });
    const [queued] = await held();
    await sandbox.admin("POST", await companyPath("/review/approve"), {});
    await sandbox.advance("PT1M");
    expect(await sandbox.messagesTo(phone)).toEqual([]);
    // Stopped by the send gate, with its reason, not by some later failure.
    const [row] = await sandbox.running.database.db
      .select({ status: outbox.status, lastError: outbox.lastError })
      .from(outbox)
      .where(eq(outbox.id, queued?.outboxId ?? ""));
    expect(row?.status).toBe("skipped");
    expect(row?.lastError).toMatch(/^(paid|thread_closed)$/);
  });

  it("a held reminder nobody approves lapses at the window's end and is planned again the next day", async () => {
    const phone = "+15125550163";
    await sandbox.invoice(
      await sandbox.customer("Busy Bees Daycare", phone),
      60,
      "2027-01-29",
      "1063",
    );
    await sandbox.advance("PT1M");
    expect((await held()).length).toBe(1);
    await sandbox.clockTo("2027-02-02T03:00:00Z"); // 21:00 CST: the window closed
    expect(await held()).toEqual([]);
    await sandbox.clockTo("2027-02-02T14:00:00Z"); // Tuesday 08:00 CST: planned again
    expect((await held()).length).toBe(1);
    await sandbox.admin("POST", await companyPath("/review/reject"), {});
    expect(await held()).toEqual([]);
    await sandbox.settings({ sendingMode: "automatic" });
    await sandbox.advance("PT1H");
    expect(await sandbox.messagesTo(phone)).toEqual([]);
  });
});

describe("approval above a threshold", () => {
  it("a large invoice waits for staff approval before its first text", async () => {
    await sandbox.settings({ approvalThresholdMinor: 500_000 });
    const phone = "+15125550164";
    const slackBefore = (await sandbox.slackPosts()).length;
    await sandbox.invoice(
      await sandbox.customer("Big Build Contractors", phone),
      8_000,
      "2027-02-01",
      "1064",
    );
    await sandbox.advance("PT1M");
    expect(await sandbox.messagesTo(phone)).toEqual([]);
    expect((await sandbox.slackPosts()).length).toBeGreaterThan(slackBefore);
    const { invoices } = await sandbox.admin<{
      invoices: Array<{ invoiceId: string; number: string }>;
    }>("GET", await companyPath("/approvals"));
    expect(invoices.map((invoice) => invoice.number)).toEqual(["1064"]);

    await sandbox.admin("POST", await companyPath(`/invoices/${invoices[0]?.invoiceId}/approve`));
    await sandbox.advance("PT1M");
    const messages = await sandbox.messagesTo(phone);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body).toContain("$8,000.00");
  });
});

describe("payments caught up before sending", () => {
  it("a Stripe payment whose webhook was lost: the next pass finds it in the Events list and sends no reminder", async () => {
    const phone = "+15125550165";
    const customer = await sandbox.customer("Lost Letter Logistics", phone);
    const invoiceId = await sandbox.invoice(customer, 220, "2027-01-30", "1065");
    await sandbox.advance("PT1M");
    const [first] = await sandbox.messagesTo(phone);
    const link = PAY_LINK.exec(first?.body ?? "")?.[0];
    expect(link).toBeDefined();

    // The customer pays through the link; Stripe's webhooks never arrive.
    const pressed = await fetch(link ?? "", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "",
      redirect: "manual",
    });
    expect(pressed.status).toBe(303);
    const sessionId = /(cs_[A-Za-z0-9_]+)/.exec(pressed.headers.get("location") ?? "")?.[1];
    const stripe = sandbox.emulators.stripe;
    stripe.holdWebhooks();
    await sandbox.call("POST", `/_sandbox/stripe/sessions/${sessionId}/pay`, {
      outcome: "succeeded",
    });
    const quickbooks = sandbox.emulators.quickbooks;
    expect(
      quickbooks.snapshot().invoices.find((invoice) => invoice.Id === invoiceId)?.Balance,
    ).toBe(220);

    // The next rung (day 7, Saturday 6 Feb) finds the payment before deciding anything.
    await sandbox.clockTo("2027-02-06T14:30:00Z");
    expect(
      quickbooks.snapshot().invoices.find((invoice) => invoice.Id === invoiceId)?.Balance,
    ).toBe(0);
    const reminders = (await sandbox.messagesTo(phone)).filter((message) =>
      PAY_LINK.test(message.body),
    );
    expect(reminders).toHaveLength(1);
    await sandbox.clockTo("2027-02-13T14:30:00Z");
    expect(
      (await sandbox.messagesTo(phone)).filter((message) => PAY_LINK.test(message.body)),
    ).toHaveLength(1);
  });
});
