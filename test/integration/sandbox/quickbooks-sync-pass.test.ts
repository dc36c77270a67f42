import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runQuickBooksSyncPass } from "../../../src/app/quickbooks-sync-pass.js";
import { inboundEvents, invoices, providerConnections } from "../../../src/db/schema/index.js";
import { DrizzleProviderConnectionStore } from "../../../src/db/stores/provider-connection-store.js";
import { SANDBOX_CREDENTIALS } from "../../../src/sandbox/sandbox-server.js";
import { startSandboxedApp } from "../../helpers/start-sandboxed-app.js";

let running: Awaited<ReturnType<typeof startSandboxedApp>>;

beforeAll(async () => {
  running = await startSandboxedApp();
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

function pass() {
  const logger = pino({ level: "silent" });
  return runQuickBooksSyncPass({
    connections: new DrizzleProviderConnectionStore(running.database.db),
    sync: {
      source: running.quickbooks.reader,
      store: running.quickbooks.importStore,
      logger,
      now: () => running.clock.now(),
    },
    heartbeat: (companyId) => running.quickbooks.connections.heartbeat(companyId),
    clock: running.clock,
    logger,
  });
}

describe("QuickBooks webhooks", () => {
  it("a check recorded in QuickBooks reaches the app's invoice within the control API call, through the signed webhook", async () => {
    const { db } = running.database;
    const state = (await (await fetch(`${running.sandboxUrl}/_sandbox/state`)).json()) as {
      invoices: Array<{ id: string; balance: number }>;
    };
    const target = state.invoices[1];
    const response = await fetch(
      `${running.sandboxUrl}/_sandbox/qbo/invoices/${target?.id}/payments`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ amount: 15 }),
      },
    );
    expect(response.status).toBe(200);
    const [row] = await db
      .select()
      .from(invoices)
      .where(eq(invoices.quickbooksId, target?.id ?? ""));
    expect(row?.balanceMinor).toBe(Math.round(((target?.balance ?? 0) - 15) * 100));
    const events = await db
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.type, "quickbooks.event"));
    expect(events.length).toBeGreaterThan(30);
    expect(events.filter((event) => event.status !== "processed")).toEqual([]);
  });

  it("records a signed notice about a QuickBooks company nobody connected, with the reason", async () => {
    const body = JSON.stringify([
      {
        specversion: "1.0",
        id: "evt-unknown-realm-1",
        source: "intuit.test",
        type: "qbo.invoice.updated.v1",
        time: "2026-11-20T15:00:00Z",
        intuitentityid: "1",
        intuitaccountid: "4620816365999999999",
      },
    ]);
    const signature = createHmac("sha256", SANDBOX_CREDENTIALS.quickbooks.webhookVerifierToken)
      .update(body)
      .digest("base64");
    const response = await fetch(`${running.appUrl}/webhooks/quickbooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "intuit-signature": signature },
      body,
    });
    expect(response.status).toBe(200);
    const [event] = await running.database.db
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.externalId, "evt-unknown-realm-1"));
    expect(event?.status).toBe("rejected");
    expect(event?.error).toMatch(
      /No company is connected to QuickBooks company 4620816365999999999/,
    );
  });
});

describe("QuickBooks sync pass (CDC safety net and heartbeat)", () => {
  it("brings a check recorded in QuickBooks into the app, keeps the cursor, and refreshes tokens daily", async () => {
    const { db } = running.database;
    expect(await pass()).toEqual({ companies: 1, failed: 0 });
    const [first] = await db.select().from(providerConnections);
    expect(typeof first?.settings.cdcSince).toBe("string");
    expect(first?.lastHeartbeatAt).not.toBeNull();

    const state = (await (await fetch(`${running.sandboxUrl}/_sandbox/state`)).json()) as {
      invoices: Array<{ id: string; docNumber: string; balance: number }>;
    };
    const target = state.invoices[0];
    await fetch(`${running.sandboxUrl}/_sandbox/qbo/invoices/${target?.id}/payments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ amount: 20 }),
    });
    await fetch(`${running.sandboxUrl}/_sandbox/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advance: "PT20M" }),
    });
    expect(await pass()).toEqual({ companies: 1, failed: 0 });
    const [row] = await db
      .select()
      .from(invoices)
      .where(eq(invoices.quickbooksId, target?.id ?? ""));
    expect(row?.balanceMinor).toBe(Math.round(((target?.balance ?? 0) - 20) * 100));
    const [second] = await db.select().from(providerConnections);
    expect(String(second?.settings.cdcSince) > String(first?.settings.cdcSince)).toBe(true);
    // Within the day the heartbeat is not repeated.
    expect(second?.lastHeartbeatAt?.getTime()).toBe(first?.lastHeartbeatAt?.getTime());
  });
});
