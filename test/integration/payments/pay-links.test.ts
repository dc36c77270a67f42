import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  inboundEvents,
  invoices,
  outbox,
  payLinks,
  payments,
  providerCursors,
  tasks,
  threads,
} from "../../../src/db/schema/index.js";
import { PaymentsSandbox, page, type RunningSandbox } from "./payments-kit.js";

// Pay links and Stripe reconciliation through the whole sandboxed product: the app's pay
// page, the real Stripe and QuickBooks SDKs against their emulators, signed webhooks, and
// the control API playing the payer.

let sandbox: PaymentsSandbox;
let running: RunningSandbox;
let companyId: string;

beforeAll(async () => {
  sandbox = await PaymentsSandbox.start({ phonePrefix: "737555", namePrefix: "Pay link customer" });
  running = sandbox.running;
  companyId = sandbox.companyId;
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

const db = () => sandbox.db;
const emulators = () => sandbox.emulators;
const control = (path: string, body: unknown) => sandbox.control(path, body);
const customerWithInvoices: PaymentsSandbox["customerWithInvoices"] = (lines, options) =>
  sandbox.customerWithInvoices(lines, options);

async function issue(
  setup: { threadId: string; invoiceIds: string[] },
  options: { amountMinor?: number; now?: Date; validityDays?: number } = {},
) {
  return running.payments.issuePayLink({
    companyId,
    threadId: setup.threadId,
    invoiceIds: setup.invoiceIds,
    purpose: options.amountMinor ? "installment" : "pay",
    ...(options.amountMinor ? { amountMinor: options.amountMinor, installmentNumber: 1 } : {}),
    seed: `outbox-${randomBytes(8).toString("hex")}`,
    now: options.now ?? running.clock.now(),
    validityDays: options.validityDays ?? 45,
  });
}

/** Presses the Pay button: the Checkout Session the app redirected to. */
async function pressPay(url: string): Promise<{ sessionId: string; location: string }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "",
    redirect: "manual",
  });
  expect(response.status).toBe(303);
  const location = response.headers.get("location") ?? "";
  const sessionId = /\/c\/pay\/(cs_[A-Za-z0-9_]+)/.exec(location)?.[1];
  if (!sessionId) {
    throw new Error(`The Pay button did not lead to Checkout: ${location}`);
  }
  return { sessionId, location };
}

function intentOf(sessionId: string): string {
  const session = emulators()
    .stripe.sessions()
    .find((candidate) => candidate.id === sessionId);
  if (!session?.paymentIntentId) {
    throw new Error(`Session ${sessionId} has no PaymentIntent`);
  }
  return session.paymentIntentId;
}

function quickbooksPaymentsFor(paymentIntentId: string) {
  return emulators()
    .quickbooks.snapshot()
    .payments.filter((payment) => payment.PrivateNote?.includes(paymentIntentId));
}

function quickbooksBalance(quickbooksId: string): number | undefined {
  return emulators()
    .quickbooks.snapshot()
    .invoices.find((invoice) => invoice.Id === quickbooksId)?.Balance;
}

async function mirror(invoiceId: string) {
  const [row] = await db().select().from(invoices).where(eq(invoices.id, invoiceId));
  return row;
}

async function sentTemplates(threadId: string): Promise<string[]> {
  const rows = await db().select().from(outbox).where(eq(outbox.threadId, threadId));
  return rows
    .filter((row) => row.effectType === "sendSms")
    .map((row) => String(row.payload.template));
}

describe("GET /p/:token", () => {
  it("shows the business, the invoice, the balance read from QuickBooks now and a Pay button, and creates no Checkout Session", async () => {
    const setup = await customerWithInvoices([
      { amount: 240.5, dueDate: "2026-11-10", docNumber: "PL-1001" },
    ]);
    // Our mirror is stale on purpose: the page must show what QuickBooks says now.
    await db()
      .update(invoices)
      .set({ balanceMinor: 1, dueDate: "2026-01-01" })
      .where(eq(invoices.id, setup.invoiceIds[0] ?? ""));
    const link = await issue(setup);
    const sessionsBefore = emulators().stripe.sessions().length;

    const shown = await page(link.url);

    expect(shown.status).toBe(200);
    expect(shown.html).toContain("Acme Plumbing &#38; Heating");
    expect(shown.html).toContain("Invoice PL-1001");
    expect(shown.html).toContain("$240.50");
    expect(shown.html).toContain("November 10, 2026");
    expect(shown.html).toContain('<form method="post"');
    expect(shown.html).toContain("(512) 555-0100");
    expect(shown.html).toContain("billing@acme.test");
    expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
    expect(shown.headers.get("x-robots-tag")).toContain("noindex");
    expect(shown.headers.get("cache-control")).toBe("no-store");
    expect(emulators().stripe.sessions()).toHaveLength(sessionsBefore);
  });

  it("stores only the token's SHA-256, and issuing again with the same seed gives the same link", async () => {
    const setup = await customerWithInvoices([
      { amount: 80, dueDate: "2026-11-15", docNumber: "PL-1002" },
    ]);
    const input = {
      companyId,
      threadId: setup.threadId,
      invoiceIds: setup.invoiceIds,
      purpose: "pay" as const,
      seed: "outbox-row-same-seed",
      validityDays: 45,
    };
    const first = await running.payments.issuePayLink({ ...input, now: running.clock.now() });
    const again = await running.payments.issuePayLink({
      ...input,
      now: new Date(running.clock.now().getTime() + 60_000),
    });

    expect(again).toEqual(first);
    const rows = await db().select().from(payLinks).where(eq(payLinks.id, first.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(createHash("sha256").update(first.token).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(first.token);
  });

  it("answers unknown and malformed tokens with a generic 404 page that names no account", async () => {
    for (const token of [randomBytes(32).toString("base64url"), "short", "x".repeat(90)]) {
      const shown = await page(`${running.appUrl}/p/${token}`);
      expect(shown.status).toBe(404);
      expect(shown.html).toContain("This link is not valid");
      expect(shown.html).not.toContain("Acme");
      expect(shown.html).not.toContain("$");
    }
  });

  it("answers an expired link with 410, the business's contact details and no invoice data", async () => {
    const setup = await customerWithInvoices([
      { amount: 55, dueDate: "2026-11-01", docNumber: "PL-1003" },
    ]);
    const link = await issue(setup, {
      now: new Date(running.clock.now().getTime() - 3 * 86_400_000),
      validityDays: 2,
    });

    const shown = await page(link.url);

    expect(shown.status).toBe(410);
    expect(shown.html).toContain("This link has expired");
    expect(shown.html).toContain("(512) 555-0100");
    expect(shown.html).not.toContain("PL-1003");
    expect(shown.html).not.toContain("$55");
    const posted = await fetch(link.url, { method: "POST", redirect: "manual" });
    expect(posted.status).toBe(410);
  });
});

describe("paying through the link", () => {
  it("Pay redirects to Stripe Checkout once (a double click reuses the session); paying posts one QuickBooks Payment with the PaymentIntent in the memo, zeroes the balance in QuickBooks and in our mirror, thanks the customer, and the page then says paid", async () => {
    const setup = await customerWithInvoices([
      { amount: 120, dueDate: "2026-11-05", docNumber: "PL-2001" },
    ]);
    const link = await issue(setup);

    const first = await pressPay(link.url);
    const second = await pressPay(link.url);
    expect(first.location.startsWith(`${running.sandboxUrl}/c/pay/`)).toBe(true);
    expect(second.sessionId).toBe(first.sessionId);
    const session = emulators()
      .stripe.sessions()
      .find((candidate) => candidate.id === first.sessionId);
    expect(session).toMatchObject({ amountMinor: 12000, currency: "usd", status: "open" });
    expect(session?.metadata).toMatchObject({
      company_id: companyId,
      thread_id: setup.threadId,
      invoice_ids: setup.invoiceIds.join(","),
    });

    await control(`/_sandbox/stripe/sessions/${first.sessionId}/pay`, { outcome: "succeeded" });

    const paymentIntentId = intentOf(first.sessionId);
    const posted = quickbooksPaymentsFor(paymentIntentId);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.TotalAmt).toBe(120);
    expect(posted[0]?.Line).toEqual([
      { Amount: 120, LinkedTxn: [{ TxnId: setup.quickbooksIds[0], TxnType: "Invoice" }] },
    ]);
    expect(quickbooksBalance(setup.quickbooksIds[0] ?? "")).toBe(0);
    expect(await mirror(setup.invoiceIds[0] ?? "")).toMatchObject({
      balanceMinor: 0,
      status: "paid",
    });
    const [row] = await db()
      .select()
      .from(payments)
      .where(eq(payments.stripePaymentIntentId, paymentIntentId));
    expect(row).toMatchObject({
      status: "succeeded",
      amountMinor: 12000,
      currency: "USD",
      quickbooksPaymentId: posted[0]?.Id,
      applications: [{ invoiceId: setup.invoiceIds[0], amountMinor: 12000 }],
    });
    const [thread] = await db().select().from(threads).where(eq(threads.id, setup.threadId));
    expect(thread?.state).toBe("closed");
    expect(await sentTemplates(setup.threadId)).toContain("reply.payment_thanks");
    const [stored] = await db()
      .select()
      .from(payLinks)
      .where(eq(payLinks.threadId, setup.threadId));
    expect(stored?.usedAt).not.toBeNull();

    const after = await page(link.url);
    expect(after.status).toBe(200);
    expect(after.html).toContain("Already paid — thank you");
    const sessionsBefore = emulators().stripe.sessions().length;
    const again = await fetch(link.url, { method: "POST", redirect: "manual" });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toMatch(/^\/p\//);
    expect(emulators().stripe.sessions()).toHaveLength(sessionsBefore);
  });

  it("the same webhooks delivered three times, and out of order, post one QuickBooks Payment and one thread event", async () => {
    const setup = await customerWithInvoices([
      { amount: 75.25, dueDate: "2026-11-06", docNumber: "PL-2002" },
    ]);
    const link = await issue(setup);
    const { sessionId } = await pressPay(link.url);
    const stripe = emulators().stripe;
    stripe.holdWebhooks();
    await control(`/_sandbox/stripe/sessions/${sessionId}/pay`, { outcome: "succeeded" });
    stripe.releaseWebhooks("reversed");
    await stripe.idle();
    const paymentIntentId = intentOf(sessionId);
    const delivered = stripe
      .events()
      .filter((event) => {
        const object = (event.data as unknown as { object: { id?: string } }).object;
        return object.id === sessionId || object.id === paymentIntentId;
      })
      .map((event) => String(event.id));
    for (const eventId of delivered) {
      stripe.redeliver(eventId);
      stripe.redeliver(eventId);
    }
    await stripe.idle();

    expect(quickbooksPaymentsFor(paymentIntentId)).toHaveLength(1);
    expect(quickbooksBalance(setup.quickbooksIds[0] ?? "")).toBe(0);
    const rows = await db()
      .select()
      .from(payments)
      .where(eq(payments.stripePaymentIntentId, paymentIntentId));
    expect(rows).toHaveLength(1);
    const threadEvents = await db()
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.externalId, `payment.received:${paymentIntentId}`));
    expect(threadEvents).toHaveLength(1);
    expect(
      (await sentTemplates(setup.threadId)).filter(
        (template) => template === "reply.payment_thanks",
      ),
    ).toHaveLength(1);
  });

  it("a payment whose webhooks were lost is found by catchUpStripePayments: exactly one QuickBooks Payment, also when the webhooks arrive late", async () => {
    // Settle the cursor first so this catch-up sees only what happens below.
    await running.payments.catchUp();
    const setup = await customerWithInvoices([
      { amount: 310, dueDate: "2026-11-07", docNumber: "PL-2003" },
    ]);
    const link = await issue(setup);
    const { sessionId } = await pressPay(link.url);
    const stripe = emulators().stripe;
    stripe.holdWebhooks();
    await control(`/_sandbox/stripe/sessions/${sessionId}/pay`, { outcome: "succeeded" });
    const paymentIntentId = intentOf(sessionId);
    expect(quickbooksPaymentsFor(paymentIntentId)).toHaveLength(0);

    const caughtUp = await running.payments.catchUp();

    expect(caughtUp.events).toBeGreaterThanOrEqual(2);
    expect(quickbooksPaymentsFor(paymentIntentId)).toHaveLength(1);
    expect(await mirror(setup.invoiceIds[0] ?? "")).toMatchObject({
      balanceMinor: 0,
      status: "paid",
    });
    const [cursor] = await db().select().from(providerCursors);
    expect(cursor?.provider).toBe("stripe");

    stripe.releaseWebhooks();
    await stripe.idle();
    expect(quickbooksPaymentsFor(paymentIntentId)).toHaveLength(1);
    expect(await running.payments.catchUp()).toEqual({ events: 0 });
  });

  it("an installment (a partial payment) lowers the balance, oldest invoice first, and the page shows what is still owed", async () => {
    const setup = await customerWithInvoices([
      { amount: 100, dueDate: "2026-11-20", docNumber: "PL-3002" },
      { amount: 60, dueDate: "2026-11-01", docNumber: "PL-3001" },
    ]);
    const link = await issue(setup, { amountMinor: 8000 });
    const shown = await page(link.url);
    expect(shown.html).toContain("$160.00");
    expect(shown.html).toContain("Installment 1");
    expect(shown.html).toContain("Pay $80.00");

    const { sessionId } = await pressPay(link.url);
    expect(
      emulators()
        .stripe.sessions()
        .find((s) => s.id === sessionId)?.amountMinor,
    ).toBe(8000);
    await control(`/_sandbox/stripe/sessions/${sessionId}/pay`, { outcome: "succeeded" });

    const paymentIntentId = intentOf(sessionId);
    const [posted] = quickbooksPaymentsFor(paymentIntentId);
    expect(posted?.Line).toEqual([
      { Amount: 60, LinkedTxn: [{ TxnId: setup.quickbooksIds[1], TxnType: "Invoice" }] },
      { Amount: 20, LinkedTxn: [{ TxnId: setup.quickbooksIds[0], TxnType: "Invoice" }] },
    ]);
    expect(quickbooksBalance(setup.quickbooksIds[1] ?? "")).toBe(0);
    expect(quickbooksBalance(setup.quickbooksIds[0] ?? "")).toBe(80);
    expect(await mirror(setup.invoiceIds[1] ?? "")).toMatchObject({
      balanceMinor: 0,
      status: "paid",
    });
    expect(await mirror(setup.invoiceIds[0] ?? "")).toMatchObject({
      balanceMinor: 8000,
      status: "open",
    });
    const [thread] = await db().select().from(threads).where(eq(threads.id, setup.threadId));
    expect(thread?.state).not.toBe("closed");
    expect(await sentTemplates(setup.threadId)).toContain("reply.payment_partial_thanks");

    // The installment is spent; a link for the whole balance shows what is left.
    expect((await page(link.url)).html).toContain("Already paid — thank you");
    const rest = await page((await issue(setup)).url);
    expect(rest.html).toContain("$80.00");
    expect(rest.html).not.toContain("PL-3001");
  });

  it("a declined card tells the thread once and posts nothing to QuickBooks", async () => {
    const setup = await customerWithInvoices([
      { amount: 42, dueDate: "2026-11-08", docNumber: "PL-4001" },
    ]);
    const link = await issue(setup);
    const { sessionId } = await pressPay(link.url);

    await control(`/_sandbox/stripe/sessions/${sessionId}/pay`, { outcome: "failed" });
    await control(`/_sandbox/stripe/sessions/${sessionId}/pay`, { outcome: "failed" });

    expect(quickbooksBalance(setup.quickbooksIds[0] ?? "")).toBe(42);
    expect(
      (await sentTemplates(setup.threadId)).filter(
        (template) => template === "reply.payment_failed",
      ),
    ).toHaveLength(1);
    expect((await page(link.url)).html).toContain("$42.00");
  });

  it("a refund and a dispute mark the payment row and tell staff once", async () => {
    const setup = await customerWithInvoices([
      { amount: 30, dueDate: "2026-11-09", docNumber: "PL-5001" },
    ]);
    const refunded = await customerWithInvoices([
      { amount: 35, dueDate: "2026-11-09", docNumber: "PL-5002" },
    ]);
    const paidIntent = async (target: { threadId: string; invoiceIds: string[] }) => {
      const { sessionId } = await pressPay((await issue(target)).url);
      await control(`/_sandbox/stripe/sessions/${sessionId}/pay`, { outcome: "succeeded" });
      return intentOf(sessionId);
    };
    const disputedIntent = await paidIntent(setup);
    const refundedIntent = await paidIntent(refunded);

    await emulators().stripe.dispute(disputedIntent);
    await emulators().stripe.refund(refundedIntent);
    await emulators().stripe.idle();

    const statusOf = async (paymentIntentId: string) =>
      (
        await db()
          .select({ status: payments.status })
          .from(payments)
          .where(eq(payments.stripePaymentIntentId, paymentIntentId))
      )[0]?.status;
    expect(await statusOf(disputedIntent)).toBe("disputed");
    expect(await statusOf(refundedIntent)).toBe("refunded");
    // Staff are told once each, whatever Stripe redelivers.
    await emulators().stripe.idle();
    const taskReasons = (await db().select({ reason: tasks.reason }).from(tasks)).map(
      (task) => task.reason,
    );
    expect(taskReasons.filter((reason) => reason === "card_dispute")).toHaveLength(1);
    expect(taskReasons.filter((reason) => reason === "payment_refunded")).toHaveLength(1);
  });
});
