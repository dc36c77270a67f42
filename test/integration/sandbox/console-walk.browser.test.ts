import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsAvailable, launchChromium } from "../../helpers/browser.js";
import { startSandboxedApp } from "../../helpers/start-sandboxed-app.js";

// A person plays the demo company's customers from the sandbox console in Chromium: typing in
// a phone's reply box, following the links the texts carry, clicking QuickBooks, Stripe and
// clock buttons, and reading the answers, Slack posts and QuickBooks payments there. Nothing
// here calls the control API: what the test sees is what the person sees.

const LINDA = "+12065550113"; // English, one past-due invoice
const DAVID = "+17135550107"; // English, invoices 1013 (past due) and 1012
const JAMES = "+12125550101"; // English, invoice 1003 only
const SOFIA = "+13125550106"; // Spanish, invoice 1011 only
const EMILY = "+16175550103"; // English, Massachusetts

describe.skipIf(!browserTestsAvailable())("flows walked from the sandbox console", () => {
  let running: Awaited<ReturnType<typeof startSandboxedApp>>;
  let browser: Browser;
  let page: Page;

  const bubbles = (phone: string) => page.getByTestId(`bubbles-${phone}`);
  const businessTexts = (phone: string) => bubbles(phone).locator('[data-from="business"]');
  const status = () => page.getByTestId("status");

  /** Types a text in the phone's reply box and waits until the console says the app answered. */
  async function text(phone: string, body: string): Promise<void> {
    const box = page.getByLabel(`Reply from ${phone}`);
    await box.fill(body);
    await box.press("Enter");
    await expect
      .poll(() => status().textContent(), { timeout: 10_000 })
      .toContain(`texted “${body}”: the app has answered`);
  }

  async function moveClock(advance: string): Promise<void> {
    await page.getByLabel("Advance").selectOption(advance);
    await page.getByRole("button", { name: "Move clock" }).click();
    await expect.poll(() => status().textContent(), { timeout: 30_000 }).toContain("Clock moved");
  }

  /** Follows the first link to `path` (e.g. "/p/") in the phone's texts; the page opens in a new tab. */
  async function follow(phone: string, path: string): Promise<Page> {
    const link = bubbles(phone).locator(`a[href*="${path}"]`).last();
    expect(await link.getAttribute("target")).toBe("_blank");
    const [opened] = await Promise.all([page.waitForEvent("popup"), link.click()]);
    await opened.waitForLoadState();
    return opened;
  }

  const slackPost = (...texts: string[]): Locator =>
    texts.reduce(
      (posts, hasText) => posts.filter({ hasText }),
      page.locator('#slack [data-testid^="slack-"]'),
    );

  beforeAll(async () => {
    running = await startSandboxedApp();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(running.sandboxUrl);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it("moving the clock an hour from the header sends the morning's reminders, their links clickable", async () => {
    await expect.poll(() => page.getByTestId(`phone-${JAMES}`).count()).toBe(1);
    expect(await businessTexts(JAMES).count()).toBe(0);
    // 09:00 in Chicago: an hour on, the morning's reminders have gone out.
    await moveClock("PT1H");
    expect(await status().textContent()).toMatch(/new texts from the business/);
    expect(await businessTexts(JAMES).count()).toBe(1);
    expect(await businessTexts(JAMES).textContent()).toContain("invoice 1003 was due Nov 17");
    const link = bubbles(JAMES).locator("a");
    expect(await link.getAttribute("href")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\/[\w-]+$/);
    expect(await link.getAttribute("target")).toBe("_blank");
  }, 40_000);

  it("HELP is answered with the business, how to reach billing, rates and STOP", async () => {
    await text(LINDA, "HELP");
    const conversation = await bubbles(LINDA).textContent();
    expect(conversation).toContain("Acme Plumbing & Heating payment reminders");
    expect(conversation).toContain("(512) 555-0199");
    expect(conversation).toMatch(/Msg & data rates may apply/i);
    expect(conversation).toContain("Reply STOP to opt out");
  }, 20_000);

  it('"send me the invoice" gets an /i/ link that opens the invoice', async () => {
    await text(DAVID, "send me the invoice");
    await expect
      .poll(() => businessTexts(DAVID).last().textContent())
      .toContain("here is a copy of invoices 1013 and 1012");
    const copy = await follow(DAVID, "/i/");
    expect(new URL(copy.url()).pathname).toMatch(/^\/i\//);
    const invoicePage = await copy.locator("body").textContent();
    expect(invoicePage).toContain("Invoice 1013");
    expect(invoicePage).toContain("$432.91");
    expect(invoicePage).toContain("Balance due: $812.82");
    await copy.close();
  }, 20_000);

  it("a reminder's pay link leads to Stripe Checkout; paying sends thanks and posts the payment to QuickBooks", async () => {
    const payPage = await follow(JAMES, "/p/");
    expect(await payPage.locator("body").textContent()).toContain("Balance due: $157.13");
    await payPage.getByRole("button", { name: "Pay $157.13" }).click();
    await payPage.waitForURL(/\/c\/pay\/cs_/);
    expect(await payPage.getByTestId("total").textContent()).toBe("$157.13");
    await payPage.close();

    // The person pays from the console's Stripe section (the session names who it is for).
    const checkout = page
      .locator('#stripe [data-testid^="checkout-"]')
      .filter({ hasText: "James Carter" });
    await expect.poll(() => checkout.count(), { timeout: 10_000 }).toBe(1);
    await checkout.getByRole("button", { name: "Pay" }).click();
    await expect.poll(() => status().textContent(), { timeout: 10_000 }).toContain("paid");

    await expect
      .poll(() => businessTexts(JAMES).last().textContent())
      .toContain("payment received, thank you");
    expect(await page.getByTestId("invoice-balance-1003").textContent()).toBe("$0.00");
    expect(await page.getByTestId("invoice-status-1003").textContent()).toBe("Paid");
    expect(await page.getByTestId(`balance-${JAMES}`).textContent()).toBe("Balance $0.00");
    const payment = page
      .locator('#qbo-payments [data-testid^="qbo-payment-"]')
      .filter({ hasText: "#1003" });
    expect(await payment.count()).toBe(1);
    const row = await payment.textContent();
    expect(row).toContain("James Carter");
    expect(row).toContain("$157.13");
    expect(row).toMatch(/Stripe payment pi_\w+/);
    expect(await checkout.textContent()).toContain("complete (paid)");
  }, 30_000);

  it('"ya pagué" gets a Spanish acknowledgement and a Slack post; a check recorded on the invoice closes it', async () => {
    await text(SOFIA, "ya pagué");
    expect(await businessTexts(SOFIA).last().textContent()).toContain(
      "¡gracias! Confirmaremos su pago",
    );
    const post = slackPost("Sofia Torres", "says they paid");
    await expect.poll(() => post.count()).toBe(1);
    expect(await post.textContent()).toContain("Customer wrote: “ya pagué”");
    expect(await post.textContent()).toContain("#1011");

    page.once("dialog", (dialog) => dialog.accept(dialog.defaultValue()));
    await page.getByRole("button", { name: "Record check on invoice 1011" }).click();
    await expect
      .poll(() => status().textContent(), { timeout: 10_000 })
      .toContain("recorded on invoice 1011");
    expect(await page.getByTestId("invoice-status-1011").textContent()).toBe("Paid");
    const payment = page
      .locator('#qbo-payments [data-testid^="qbo-payment-"]')
      .filter({ hasText: "#1011" });
    expect(await payment.textContent()).toContain("Check recorded in QuickBooks");

    // Closed, not merely paused: no reminder, and no "still unverified" escalation on day 3.
    const textsBefore = await businessTexts(SOFIA).count();
    await moveClock("P3D");
    expect(await businessTexts(SOFIA).count()).toBe(textsBefore);
    expect(await slackPost("Sofia Torres", "still unverified").count()).toBe(0);
  }, 40_000);

  it("STOP gets one confirmation, then silence while the clock moves a week", async () => {
    const textsBefore = await businessTexts(EMILY).count();
    await text(EMILY, "STOP");
    expect(await businessTexts(EMILY).count()).toBe(textsBefore + 1);
    expect(await businessTexts(EMILY).last().textContent()).toMatch(/unsubscribed/i);
    expect(await page.getByTestId(`opted-out-${EMILY}`).count()).toBe(1);

    await moveClock("P1W");
    expect(await businessTexts(EMILY).count()).toBe(textsBefore + 1);
    // Others still get their reminders: the clock move did send texts.
    expect(await businessTexts(DAVID).count()).toBeGreaterThan(2);
  }, 40_000);
});
