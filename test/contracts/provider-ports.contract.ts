import { expect, it } from "vitest";
import type { Accounting, Payments } from "../../src/app/ports.js";

// Behaviour every implementation of these ports must show: the fakes here, and the real
// SDK adapters against the emulators when they arrive. A retry must never double-post.

export function accountingContract(
  make: () => Promise<{ accounting: Accounting; invoiceId: string }>,
) {
  it("records a payment once per requestId, however often it is retried", async () => {
    const { accounting, invoiceId } = await make();
    const [before] = await accounting.readInvoices("co_test", [invoiceId]);
    const payment = {
      companyId: "co_test",
      customerQuickbooksId: "1",
      amountMinor: 5_000,
      currency: "USD",
      applications: [{ invoiceQuickbooksId: invoiceId, amountMinor: 5_000 }],
      memo: "Stripe pi_test_1",
      requestId: "req-1",
    };
    const first = await accounting.recordPayment(payment);
    const again = await accounting.recordPayment(payment);
    expect(again.quickbooksPaymentId).toBe(first.quickbooksPaymentId);
    const [after] = await accounting.readInvoices("co_test", [invoiceId]);
    expect((before?.balanceMinor ?? 0) - (after?.balanceMinor ?? 0)).toBe(5_000);
  });

  it("reads only the invoices asked for", async () => {
    const { accounting, invoiceId } = await make();
    const read = await accounting.readInvoices("co_test", [invoiceId, "does-not-exist"]);
    expect(read.map((invoice) => invoice.quickbooksId)).toEqual([invoiceId]);
  });
}

export function paymentsContract(make: () => Promise<Payments>) {
  it("creates one Checkout Session per idempotency key", async () => {
    const payments = await make();
    const request = {
      companyId: "co_test",
      threadId: "th_test",
      invoiceIds: ["iv_1"],
      amountMinor: 12_500,
      currency: "USD",
      successUrl: "http://127.0.0.1/p/ok",
      cancelUrl: "http://127.0.0.1/p/cancel",
      idempotencyKey: "pay-link-1",
    };
    const first = await payments.createCheckout(request);
    const again = await payments.createCheckout(request);
    const other = await payments.createCheckout({ ...request, idempotencyKey: "pay-link-2" });
    expect(again.sessionId).toBe(first.sessionId);
    expect(other.sessionId).not.toBe(first.sessionId);
  });
}
