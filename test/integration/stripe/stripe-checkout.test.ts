import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StripePayments } from "../../../src/adapters/stripe/stripe-payments.js";
import { paymentsContract } from "../../contracts/provider-ports.contract.js";
import { checkoutRequest, type StripeKit, startStripe } from "./stripe-harness.js";

// Checkout Sessions through the real stripe SDK against the emulator, over loopback.

let kit: StripeKit;
beforeEach(async () => {
  kit = await startStripe();
});
afterEach(async () => {
  await kit.close();
});

describe("Payments contract: StripePayments against the emulator", () => {
  paymentsContract(async () => kit.payments());
});

describe("Checkout Sessions", () => {
  it("creates a session carrying our metadata on the session and, once paid, on the PaymentIntent", async () => {
    const payments = kit.payments();
    const { sessionId, url } = await payments.createCheckout(
      checkoutRequest({ currency: "CAD", amountMinor: 4_250 }),
    );
    expect(sessionId).toMatch(/^cs_test_/);
    expect(url).toBe(`${kit.baseUrl}/c/pay/${sessionId}`);

    const session = await kit.sdk().checkout.sessions.retrieve(sessionId, {
      expand: ["line_items"],
    });
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      currency: "cad",
      amount_total: 4_250,
      payment_intent: null,
      client_reference_id: "co_acme:th_42",
      metadata: { company_id: "co_acme", thread_id: "th_42", invoice_ids: "iv_130,iv_131" },
      success_url: "http://127.0.0.1/p/tok/thanks?session={CHECKOUT_SESSION_ID}",
      cancel_url: "http://127.0.0.1/p/tok",
    });
    expect(session.expires_at - session.created).toBe(24 * 60 * 60);
    expect(session.line_items?.data[0]).toMatchObject({ quantity: 1, amount_total: 4_250 });

    await kit.emulator.pay(sessionId, "succeeded");
    const facts = await payments.retrieveCheckoutSession(sessionId);
    expect(facts).toMatchObject({
      status: "complete",
      paymentStatus: "paid",
      currency: "CAD",
      amountTotalMinor: 4_250,
      reference: { companyId: "co_acme", threadId: "th_42", invoiceIds: ["iv_130", "iv_131"] },
    });
    const intent = await payments.retrievePaymentIntent(facts.paymentIntentId ?? "missing");
    expect(intent).toMatchObject({
      status: "succeeded",
      amountReceivedMinor: 4_250,
      currency: "CAD",
      reference: { companyId: "co_acme", threadId: "th_42", invoiceIds: ["iv_130", "iv_131"] },
    });
  });

  it("sends form-encoded bodies with bracket notation that the emulator decodes faithfully", async () => {
    const session = await kit.sdk().checkout.sessions.create({
      mode: "payment",
      line_items: [
        {
          quantity: 2,
          price_data: { currency: "usd", unit_amount: 1_000, product_data: { name: "A & B" } },
        },
        {
          quantity: 1,
          price_data: { currency: "usd", unit_amount: 550, product_data: { name: "Café" } },
        },
      ],
      metadata: { "weird key": "a=b&c[d]" },
      success_url: "http://127.0.0.1/ok",
    });
    expect(session.amount_total).toBe(2_550);
    expect(session.metadata).toEqual({ "weird key": "a=b&c[d]" });
  });

  it("replays an idempotent create and refuses the same key with other parameters", async () => {
    const sdk = kit.sdk();
    const params = {
      mode: "payment" as const,
      line_items: [
        {
          quantity: 1,
          price_data: { currency: "usd", unit_amount: 9_900, product_data: { name: "Invoice" } },
        },
      ],
    };
    const first = await sdk.checkout.sessions.create(params, { idempotencyKey: "inv-1-v0" });
    const again = await sdk.checkout.sessions.create(params, { idempotencyKey: "inv-1-v0" });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(again.lastResponse.headers["idempotency-key"]).toBe("inv-1-v0");
    expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect(kit.emulator.sessions()).toHaveLength(1);

    await expect(
      sdk.checkout.sessions.create(
        { ...params, metadata: { changed: "yes" } },
        { idempotencyKey: "inv-1-v0" },
      ),
    ).rejects.toMatchObject({ type: "StripeIdempotencyError", statusCode: 400 });
  });

  it("does not store a request refused by validation, so a corrected retry with the key works", async () => {
    const payments = kit.payments();
    const request = checkoutRequest({ amountMinor: 10, idempotencyKey: "small-then-fixed" });
    await expect(payments.createCheckout(request)).rejects.toMatchObject({
      code: "PROVIDER_REJECTED",
      retryable: false,
    });
    const fixed = await payments.createCheckout({ ...request, amountMinor: 5_000 });
    expect(fixed.sessionId).toMatch(/^cs_test_/);
  });

  it("enforces expires_at between 30 minutes and 24 hours after creation", async () => {
    const sdk = kit.sdk();
    const now = Math.floor(kit.clock.now().getTime() / 1000);
    const params = (expiresAt: number) => ({
      mode: "payment" as const,
      expires_at: expiresAt,
      line_items: [
        {
          quantity: 1,
          price_data: { currency: "usd", unit_amount: 5_000, product_data: { name: "Invoice" } },
        },
      ],
    });
    await expect(sdk.checkout.sessions.create(params(now + 29 * 60))).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
      param: "expires_at",
    });
    await expect(sdk.checkout.sessions.create(params(now + 24 * 3600 + 1))).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      param: "expires_at",
    });
    const shortest = await sdk.checkout.sessions.create(params(now + 30 * 60));
    expect(shortest.expires_at).toBe(now + 30 * 60);
  });

  it("expires a session on request and refuses to expire it twice", async () => {
    const sdk = kit.sdk();
    const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
    const expired = await sdk.checkout.sessions.expire(sessionId);
    expect(expired).toMatchObject({ status: "expired", url: null });
    await expect(sdk.checkout.sessions.expire(sessionId)).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
    });
    await kit.emulator.idle();
    expect(kit.receivedTypes()).toEqual(["checkout.session.expired"]);
    await expect(kit.emulator.pay(sessionId, "succeeded")).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("expires sessions when the shared clock passes expires_at", async () => {
    const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
    kit.clock.advance(24 * 3600 * 1000 - 1000);
    await kit.emulator.idle();
    expect(kit.receivedTypes()).toEqual([]);
    kit.clock.advance(1000);
    await kit.emulator.idle();
    expect(kit.receivedTypes()).toEqual(["checkout.session.expired"]);
    const facts = await kit.payments().retrieveCheckoutSession(sessionId);
    expect(facts.status).toBe("expired");
  });

  it("answers unknown ids with resource_missing, as Stripe does", async () => {
    await expect(kit.sdk().checkout.sessions.retrieve("cs_test_nope")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      code: "resource_missing",
      param: "id",
    });
  });

  it("refuses a wrong API key with 401", async () => {
    await expect(
      kit.sdk("sk_test_wrong_key_0000").checkout.sessions.retrieve("cs_test_x"),
    ).rejects.toMatchObject({ type: "StripeAuthenticationError", statusCode: 401 });
  });

  it("serves a hosted page whose Pay button completes the session and returns to success_url", async () => {
    const { sessionId, url } = await kit.payments().createCheckout(checkoutRequest());
    const page = await fetch(url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("$362.07");
    expect(html).toContain('data-testid="pay"');
    expect(html).toContain('data-testid="fail"');

    const declined = await fetch(`${url}/fail`, { method: "POST", redirect: "manual" });
    expect(declined.status).toBe(303);
    expect(declined.headers.get("location")).toBe(`/c/pay/${sessionId}?declined=1`);
    expect(kit.receivedTypes()).toEqual(["payment_intent.payment_failed"]);

    const paid = await fetch(`${url}/pay`, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://127.0.0.1/p/tok/thanks?session=${sessionId}`);
    // The page returns only once the app has answered the webhooks.
    expect(kit.receivedTypes()).toEqual([
      "payment_intent.payment_failed",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    const after = await (await fetch(url)).text();
    expect(after).toContain("This payment is complete");
  });
});

describe("StripePayments construction", () => {
  it("refuses to start without a secret key", () => {
    expect(() => new StripePayments({ secretKey: "" })).toThrow(/secret key/);
  });
});
