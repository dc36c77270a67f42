import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReminderSandbox, startReminderSandbox } from "./reminder-kit.js";

// DESIGN §6 "API budget": the pre-send check reads invoices in batches, not one call per
// invoice, and catches up payments with one list call. Counted at the emulators.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-03-01, 06:00 in Austin.
  sandbox = await startReminderSandbox("2027-03-01T12:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe("the pre-send check's API budget", () => {
  it("1,000 due invoices across 300 customers cost at most 2 QuickBooks reads and 2 Stripe calls", async () => {
    const { quickbooks, stripe } = sandbox.emulators;
    let invoices = 0;
    // Seeded without a webhook per record; one last customer's notice makes the app sync all.
    quickbooks.quietly(() => {
      for (let index = 0; index < 300; index++) {
        const customer = quickbooks.createCustomer({
          DisplayName: `Budget Customer ${index}`,
          Mobile: { FreeFormNumber: `+1512555${String(2000 + index).padStart(4, "0")}` },
          BillAddr: { CountrySubDivisionCode: "TX" },
        });
        // 100 customers with four invoices, 200 with three: 1,000 in all, due Thursday.
        for (let slot = 0; slot < (index < 100 ? 4 : 3); slot++) {
          quickbooks.createInvoice({
            CustomerRef: { value: customer.Id },
            DocNumber: `B-${index}-${slot}`,
            TxnDate: "2027-02-01",
            DueDate: "2027-03-04",
            Line: [{ Amount: 50 + slot, DetailType: "SalesItemLineDetail" }],
          });
          invoices++;
        }
      }
    });
    expect(invoices).toBe(1000);
    await sandbox.customer("Budget Notice Trigger", "+15125553999");
    await sandbox.advance("PT1M"); // 06:01: the import settles; nothing is due before 08:00
    expect(await sandbox.messagesTo("+15125552000")).toEqual([]);

    const quickbooksBefore = quickbooks.requests.length;
    const stripeBefore = stripe.requests.length;
    await sandbox.clockTo("2027-03-01T14:00:00Z"); // 08:00 CST: every customer's first rung
    // Invoice reads are queries; change-data-capture calls the seeding's webhooks caused
    // (1,300 notices) are the sync's, not the pre-send check's.
    const quickbooksCalls = quickbooks.requests
      .slice(quickbooksBefore)
      .filter((request) => request.path.endsWith("/query"));
    const stripeCalls = stripe.requests.slice(stripeBefore);

    expect(quickbooksCalls.length).toBeGreaterThanOrEqual(1);
    expect(quickbooksCalls.length).toBeLessThanOrEqual(2);
    expect(stripeCalls.length).toBeGreaterThanOrEqual(1);
    expect(stripeCalls.length).toBeLessThanOrEqual(2);
    // And the 300 customers were each texted once, for the total of all their invoices.
    const sample = await sandbox.messagesTo("+15125552000");
    expect(sample).toHaveLength(1);
    expect(sample[0]?.body).toContain("B-0-0");
    expect(sample[0]?.body).toContain("$206.00"); // 50 + 51 + 52 + 53
    const state = await sandbox.call<{ phones: Array<{ e164: string; messages: unknown[] }> }>(
      "GET",
      "/_sandbox/state",
    );
    const texted = state.phones.filter(
      (phone) => phone.e164.startsWith("+15125552") && phone.messages.length === 1,
    );
    expect(texted).toHaveLength(300);
  }, 180_000);
});
