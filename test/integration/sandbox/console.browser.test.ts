import pino from "pino";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxClock } from "../../../src/sandbox/sandbox-clock.js";
import { startSandbox } from "../../../src/sandbox/sandbox-server.js";
import { browserTestsAvailable, launchChromium } from "../../helpers/browser.js";
import { startSandboxedApp } from "../../helpers/start-sandboxed-app.js";

describe.skipIf(!browserTestsAvailable())("sandbox console in Chromium", () => {
  let running: Awaited<ReturnType<typeof startSandboxedApp>>;
  let browser: Browser;

  beforeAll(async () => {
    running = await startSandboxedApp();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it("shows every customer's phone, and a text sent from one appears in its conversation", async () => {
    const page = await browser.newPage();
    await page.goto(running.sandboxUrl);
    const phone = "+15125550100";
    const card = page.getByTestId(`phone-${phone}`);
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain("Maria Gonzalez");

    await page.getByLabel(`Reply from ${phone}`).fill("le pago el viernes");
    await page.getByLabel(`Reply from ${phone}`).press("Enter");

    const bubbles = page.getByTestId(`bubbles-${phone}`);
    await expect
      .poll(async () => bubbles.textContent(), { timeout: 10_000 })
      .toContain("le pago el viernes");
    const stored = await fetch(
      `${running.sandboxUrl}/_sandbox/phones/${encodeURIComponent(phone)}/messages`,
    );
    const { messages } = (await stored.json()) as {
      messages: Array<{ from: string; body: string }>;
    };
    expect(messages).toContainEqual(
      expect.objectContaining({ from: "phone", body: "le pago el viernes" }),
    );
  }, 60_000);

  it("marks each phone with its thread state, when the app offers it, and its landline fault", async () => {
    // The sandbox alone, with a state section standing in for the app's threads.
    const sandbox = await startSandbox({
      clock: new SandboxClock(new Date("2026-11-20T15:00:00Z"), { frozen: true }),
      logger: pino({ level: "silent" }),
      appBaseUrl: "http://127.0.0.1:9",
      host: "127.0.0.1",
      port: 0,
      settle: async () => {},
      seedDemo: true,
      stateSections: { threads: () => [{ phone: "+15125550100", state: "paidClaimed" }] },
    });
    try {
      const page = await browser.newPage();
      await page.goto(sandbox.url);
      const state = page.getByTestId("thread-state-+15125550100");
      await expect.poll(() => state.count()).toBe(1);
      expect(await state.textContent()).toBe("paidClaimed");
      expect(await page.getByTestId("phone-+13035550109").textContent()).toContain(
        "Landline: no texts",
      );
      expect(await page.getByTestId("balance-+15125550100").textContent()).toBe("Balance $293.00");
    } finally {
      await sandbox.close();
    }
  }, 30_000);

  it("moves the clock from the header", async () => {
    const page = await browser.newPage();
    await page.goto(running.sandboxUrl);
    const before = (await (await fetch(`${running.sandboxUrl}/_sandbox/state`)).json()) as {
      clock: string;
    };
    await page.getByLabel("Advance").selectOption("P1D");
    await page.getByRole("button", { name: "Move clock" }).click();
    // A day's move stops at every reminder on the way (the demo company has many): patience.
    await expect
      .poll(
        async () =>
          (
            (await (await fetch(`${running.sandboxUrl}/_sandbox/state`)).json()) as {
              clock: string;
            }
          ).clock,
        { timeout: 45_000 },
      )
      .toBe(new Date(new Date(before.clock).getTime() + 86_400_000).toISOString());
  }, 60_000);
});
