import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
