import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackStaffNotifier } from "../../../src/adapters/slack/slack-staff-notifier.js";
import { StripePayments } from "../../../src/adapters/stripe/stripe-payments.js";
import {
  companies,
  customers,
  inboundEvents,
  invoices,
  phones,
  providerConnections,
} from "../../../src/db/schema/index.js";
import { SANDBOX_CREDENTIALS } from "../../../src/sandbox/sandbox-server.js";
import { startSandboxedApp } from "../../helpers/start-sandboxed-app.js";

// DESIGN §2's control API is a contract: these calls are exactly what demos and later
// end-to-end tests use.

let running: Awaited<ReturnType<typeof startSandboxedApp>>;

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
  const response = await fetch(`${running.sandboxUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface State {
  clock: string;
  customers: Array<{ Id: string; DisplayName: string }>;
  invoices: Array<{ id: string; balance: number; customerId: string }>;
  phones: Array<{
    e164: string;
    name: string | null;
    messages: Array<{ from: string; body: string }>;
  }>;
  slack: Array<{
    ts: string;
    text: string;
    buttons: Array<{ action_id: string }>;
    replies: Array<{ text: string }>;
  }>;
  stripe: { sessions: Array<{ id: string; status: string }>; payments: Array<{ status: string }> };
}

beforeAll(async () => {
  running = await startSandboxedApp();
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

describe("sandbox start-up", () => {
  it("connects the demo company to the emulated QuickBooks through OAuth and imports customers, phones and open invoices", async () => {
    const { db } = running.database;
    const [company] = await db.select().from(companies);
    expect(company?.name).toBe("Acme Plumbing & Heating");
    expect(await running.quickbooks.connections.status(company?.id ?? "")).toBe("connected");
    const [connection] = await db.select().from(providerConnections);
    expect(connection?.encryptedTokens).not.toContain("access");
    expect(await db.select().from(customers)).toHaveLength(20);
    const maria = (await db.select().from(customers)).find(
      (customer) => customer.displayName === "Maria Gonzalez",
    );
    expect(maria?.language).toBe("es");
    const phoneRows = await db.select().from(phones);
    expect(phoneRows.find((phone) => phone.customerId === maria?.id)?.e164).toBe("+15125550100");
    expect((await db.select().from(invoices)).length).toBeGreaterThanOrEqual(30);
  });
});

describe("sandbox control API", () => {
  it("GET /_sandbox/state shows the seeded demo company, phones, Slack and Stripe", async () => {
    const { status, body } = await api<State>("GET", "/_sandbox/state");
    expect(status).toBe(200);
    expect(body.clock).toBe("2026-11-20T15:00:00.000Z");
    expect(body.customers).toHaveLength(20);
    expect(body.invoices.length).toBeGreaterThanOrEqual(30);
    expect(body.phones.find((phone) => phone.name === "Maria Gonzalez")?.e164).toMatch(/^\+1512/);
    expect(body.slack).toEqual([]);
    expect(body.stripe).toEqual({ sessions: [], payments: [] });
  });

  it("POST /_sandbox/clock advances by a duration or to an instant, never back", async () => {
    expect((await api("POST", "/_sandbox/clock", { advance: "PT1H" })).body).toEqual({
      clock: "2026-11-20T16:00:00.000Z",
    });
    expect((await api("POST", "/_sandbox/clock", { to: "2026-11-20T17:00:00Z" })).body).toEqual({
      clock: "2026-11-20T17:00:00.000Z",
    });
    const back = await api("POST", "/_sandbox/clock", { to: "2026-11-01T00:00:00Z" });
    expect(back.status).toBe(400);
  });

  it("POST /_sandbox/phones/:e164/messages texts the business through a signed Twilio webhook", async () => {
    const phone = "+15125550100";
    const sent = await api<{ messages: Array<{ from: string; body: string }> }>(
      "POST",
      `/_sandbox/phones/${encodeURIComponent(phone)}/messages`,
      { body: "ya pagué" },
    );
    expect(sent.status).toBe(200);
    // It returns once the app has answered: the phone's text, then the business's reply.
    const mine = sent.body.messages.findIndex(
      (message) => message.from === "phone" && message.body === "ya pagué",
    );
    expect(mine).toBeGreaterThanOrEqual(0);
    expect(sent.body.messages.slice(mine + 1)).toContainEqual(
      expect.objectContaining({ from: "business" }),
    );
    const read = await api<{ messages: Array<{ body: string }> }>(
      "GET",
      `/_sandbox/phones/${encodeURIComponent(phone)}/messages`,
    );
    expect(read.body.messages.map((message) => message.body)).toContain("ya pagué");
    expect((await api("POST", "/_sandbox/phones/5125550100/messages", { body: "hi" })).status).toBe(
      400,
    );
    expect(
      (await api("POST", `/_sandbox/phones/${encodeURIComponent(phone)}/messages`, {})).status,
    ).toBe(400);
  });

  it("creates QuickBooks customers and invoices, edits an invoice and records a check", async () => {
    const customer = await api<{ Id: string }>("POST", "/_sandbox/qbo/customers", {
      DisplayName: "Contract Test Co",
      Mobile: { FreeFormNumber: "+14155550142" },
    });
    expect(customer.status).toBe(200);
    const invoice = await api<{ Id: string; Balance: number }>("POST", "/_sandbox/qbo/invoices", {
      CustomerRef: { value: customer.body.Id },
      Line: [{ Amount: 250, DetailType: "SalesItemLineDetail", Description: "Service" }],
      DueDate: "2026-11-25",
    });
    expect(invoice.status).toBe(200);
    expect(invoice.body.Balance).toBe(250);
    const patched = await api<{ DueDate: string }>(
      "PATCH",
      `/_sandbox/qbo/invoices/${invoice.body.Id}`,
      {
        DueDate: "2026-11-30",
      },
    );
    expect(patched.body.DueDate).toBe("2026-11-30");
    expect(
      (await api("POST", `/_sandbox/qbo/invoices/${invoice.body.Id}/payments`, { amount: 100 }))
        .status,
    ).toBe(200);
    const state = (await api<State>("GET", "/_sandbox/state")).body;
    expect(state.invoices.find((row) => row.id === invoice.body.Id)?.balance).toBe(150);
    expect(
      (await api("POST", "/_sandbox/qbo/invoices/999999/payments", { amount: 1 })).status,
    ).toBe(404);
  });

  it("POST /_sandbox/stripe/sessions/:id/pay completes a session the app created through the Stripe SDK", async () => {
    const port = Number(new URL(running.sandboxUrl).port);
    const payments = new StripePayments({
      secretKey: SANDBOX_CREDENTIALS.stripe.secretKey,
      apiBase: { host: "127.0.0.1", port, protocol: "http" },
    });
    const session = await payments.createCheckout({
      companyId: "co_contract",
      threadId: "th_contract",
      invoiceIds: ["iv_1"],
      amountMinor: 12_500,
      currency: "USD",
      successUrl: "http://127.0.0.1/p/ok",
      cancelUrl: "http://127.0.0.1/p/cancel",
      idempotencyKey: "contract-pay-1",
    });
    const paid = await api<{ status: string }>(
      "POST",
      `/_sandbox/stripe/sessions/${session.sessionId}/pay`,
      {
        outcome: "succeeded",
      },
    );
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe("complete");
    const state = (await api<State>("GET", "/_sandbox/state")).body;
    expect(state.stripe.payments.map((payment) => payment.status)).toContain("succeeded");
    expect(
      (await api("POST", "/_sandbox/stripe/sessions/cs_nope/pay", { outcome: "succeeded" })).status,
    ).toBe(404);
    expect(
      (
        await api("POST", `/_sandbox/stripe/sessions/${session.sessionId}/pay`, {
          outcome: "maybe",
        })
      ).status,
    ).toBe(400);
  });

  it("clicks a Slack button and replies in its thread as staff", async () => {
    const notifier = new SlackStaffNotifier({
      botToken: SANDBOX_CREDENTIALS.slack.botToken,
      channelId: SANDBOX_CREDENTIALS.slack.channelId,
      slackApiUrl: `${running.sandboxUrl}/api/`,
    });
    const { ref } = await notifier.notify({
      companyId: "co_contract",
      threadId: "th_contract",
      taskId: "tk_contract",
      reason: "dispute",
      phone: "+15125550100",
      text: "I never got this service",
    });
    const state = (await api<State>("GET", "/_sandbox/state")).body;
    const posted = state.slack.find((message) => message.ts === ref);
    expect(posted?.buttons.map((button) => button.action_id)).toEqual([
      "take_over",
      "hand_back",
      "mark_resolved",
    ]);
    const click = await api("POST", "/_sandbox/slack/actions", {
      message_ts: ref,
      action_id: "take_over",
      user: "ana",
    });
    expect(click.status).toBe(200);
    const reply = await api("POST", `/_sandbox/slack/threads/${ref}/replies`, {
      text: "Calling them now",
      user: "ana",
    });
    expect(reply.status).toBe(200);
    const after = (await api<State>("GET", "/_sandbox/state")).body;
    expect(after.slack.find((message) => message.ts === ref)?.replies.map((r) => r.text)).toContain(
      "Calling them now",
    );
    expect(
      (
        await api("POST", "/_sandbox/slack/actions", {
          message_ts: "1.2",
          action_id: "take_over",
          user: "ana",
        })
      ).status,
    ).toBe(404);
  });

  it("POST /_sandbox/reset empties the company in the emulators and the app, or reseeds the demo", async () => {
    const { db } = running.database;
    expect((await db.select().from(inboundEvents)).length).toBeGreaterThan(0);
    expect((await api("POST", "/_sandbox/reset", {})).status).toBe(200);
    const empty = (await api<State>("GET", "/_sandbox/state")).body;
    expect(empty.customers).toEqual([]);
    expect(empty.stripe).toEqual({ sessions: [], payments: [] });
    expect(empty.slack).toEqual([]);
    expect(empty.phones.every((phone) => phone.messages.length === 0)).toBe(true);
    expect(await db.select().from(customers)).toEqual([]);
    expect(await db.select().from(invoices)).toEqual([]);
    expect(await db.select().from(inboundEvents)).toEqual([]);
    // Default settings, plus the demo business's contact (HELP answers name it).
    expect((await db.select().from(companies)).map((company) => company.settings)).toEqual([
      { contact: { phone: "+15125550199", email: "billing@acmeplumbing.example" } },
    ]);
    expect((await api("POST", "/_sandbox/reset", { seed: "demo" })).status).toBe(200);
    expect((await api<State>("GET", "/_sandbox/state")).body.customers).toHaveLength(20);
    expect(await db.select().from(customers)).toHaveLength(20);
    expect((await api("POST", "/_sandbox/reset", { seed: "everything" })).status).toBe(400);
  });

  it("serves the sandbox console and the app's health", async () => {
    const page = await fetch(running.sandboxUrl);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("duetext sandbox");
    const health = await fetch(`${running.appUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ connections: { quickbooks: { connected: 1 } } });
  });
});
