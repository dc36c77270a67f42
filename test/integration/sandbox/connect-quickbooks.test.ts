import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { companies, invoices } from "../../../src/db/schema/index.js";
import { startSandboxedApp } from "../../helpers/start-sandboxed-app.js";

let running: Awaited<ReturnType<typeof startSandboxedApp>>;

beforeAll(async () => {
  running = await startSandboxedApp();
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

async function get(url: string) {
  return fetch(url, { redirect: "manual" });
}

describe("GET /connect/quickbooks and its callback", () => {
  it("sends the admin through Intuit's consent and back, stores the connection and imports", async () => {
    const [company] = await running.database.db
      .insert(companies)
      .values({ name: "Second Co", timeZone: "America/New_York" })
      .returning();
    const companyId = company?.id ?? "";
    const start = await get(`${running.appUrl}/connect/quickbooks?company=${companyId}`);
    expect(start.status).toBe(302);
    const consentUrl = start.headers.get("location") ?? "";
    expect(consentUrl.startsWith(running.sandboxUrl)).toBe(true);
    const consent = await get(consentUrl);
    const callbackUrl = consent.headers.get("location") ?? "";
    expect(callbackUrl.startsWith(`${running.appUrl}/connect/quickbooks/callback?`)).toBe(true);
    const callback = await get(callbackUrl);
    expect(callback.status).toBe(200);
    expect(await callback.text()).toContain("QuickBooks connected");
    expect(await running.quickbooks.connections.status(companyId)).toBe("connected");
    await expect
      .poll(
        async () =>
          (
            await running.database.db
              .select()
              .from(invoices)
              .where(eq(invoices.companyId, companyId))
          ).length,
      )
      .toBeGreaterThanOrEqual(30);
  });

  it("refuses a consent that comes back more than 30 minutes after it started", async () => {
    const [company] = await running.database.db
      .insert(companies)
      .values({ name: "Late Co", timeZone: "America/New_York" })
      .returning();
    const start = await get(`${running.appUrl}/connect/quickbooks?company=${company?.id}`);
    const consent = await get(start.headers.get("location") ?? "");
    await fetch(`${running.sandboxUrl}/_sandbox/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advance: "PT31M" }),
    });
    const callback = await get(consent.headers.get("location") ?? "");
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain("invalid or expired");
    expect(await running.quickbooks.connections.status(company?.id ?? "")).toBe("not_connected");
  });

  it("refuses a forged or replayed state, an unknown company and a denied consent, with a clear page", async () => {
    const forged = await get(
      `${running.appUrl}/connect/quickbooks/callback?code=abc&realmId=1&state=co_x.nonce.bad`,
    );
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("invalid or expired");
    const unknown = await get(`${running.appUrl}/connect/quickbooks?company=co_nope`);
    expect(unknown.status).toBe(404);
    const denied = await get(
      `${running.appUrl}/connect/quickbooks/callback?error=access_denied&state=x`,
    );
    expect(denied.status).toBe(400);
    expect(await denied.text()).toContain("access_denied");
    const missing = await get(`${running.appUrl}/connect/quickbooks`);
    expect(missing.status).toBe(400);
  });
});
