import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StripePayments } from "../../../src/adapters/stripe/stripe-payments.js";
import { AppError } from "../../../src/domain/errors.js";
import { checkoutRequest, SECRET_KEY, type StripeKit, startStripe } from "./stripe-harness.js";

// SDK errors become AppErrors whose `retryable` says whether trying later can help. The
// failures come from the emulator over the wire (Stripe's status codes and error bodies),
// so the SDK's own classification runs for real.

let kit: StripeKit;
beforeEach(async () => {
  kit = await startStripe();
});
afterEach(async () => {
  await kit.close();
});

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("Stripe errors as AppError", () => {
  it("marks a 503 from Stripe retryable", async () => {
    kit.emulator.injectFault({
      status: 503,
      error: { type: "api_error", message: "Stripe is briefly unavailable." },
    });
    const error = await failureOf(kit.payments().createCheckout(checkoutRequest()));
    expect(error).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      retryable: true,
      context: { provider: "stripe", status: 503 },
    });
  });

  it("marks a 429 rate limit retryable", async () => {
    kit.emulator.injectFault({
      status: 429,
      error: {
        type: "invalid_request_error",
        code: "rate_limit",
        message: "Too many requests hit the API too quickly.",
      },
    });
    const error = await failureOf(kit.payments().retrieveCheckoutSession("cs_test_x"));
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", retryable: true });
  });

  it("marks a connection failure retryable", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const address = closed.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const payments = new StripePayments({
      secretKey: SECRET_KEY,
      apiBase: { host: "127.0.0.1", port, protocol: "http" },
      maxNetworkRetries: 0,
    });
    const error = await failureOf(payments.createCheckout(checkoutRequest()));
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", retryable: true });
  });

  it("marks validation failures not retryable and names the parameter", async () => {
    const error = await failureOf(
      kit.payments().createCheckout(checkoutRequest({ currency: "XYZ" })),
    );
    expect(error).toMatchObject({
      code: "PROVIDER_REJECTED",
      retryable: false,
      context: { status: 400, param: "line_items[0][price_data][currency]" },
    });
    const tooSmall = await failureOf(
      kit.payments().createCheckout(checkoutRequest({ amountMinor: 49 })),
    );
    expect(tooSmall).toMatchObject({
      code: "PROVIDER_REJECTED",
      retryable: false,
      context: { code: "amount_too_small" },
    });
  });

  it("marks card errors not retryable", async () => {
    kit.emulator.injectFault({
      status: 402,
      error: {
        type: "card_error",
        code: "card_declined",
        decline_code: "generic_decline",
        message: "Your card was declined.",
      },
    });
    const error = await failureOf(kit.payments().createCheckout(checkoutRequest()));
    expect(error).toMatchObject({ code: "PROVIDER_REJECTED", retryable: false });
  });

  it("marks unknown objects NOT_FOUND and a bad key not configured, neither retryable", async () => {
    const missing = await failureOf(kit.payments().retrievePaymentIntent("pi_missing"));
    expect(missing).toMatchObject({ code: "NOT_FOUND", retryable: false });
    const badKey = new StripePayments({
      secretKey: "sk_test_not_the_right_one",
      apiBase: kit.apiBase,
      maxNetworkRetries: 0,
    });
    const unauthorized = await failureOf(badKey.createCheckout(checkoutRequest()));
    expect(unauthorized).toMatchObject({ code: "PROVIDER_NOT_CONFIGURED", retryable: false });
    expect(unauthorized.message).not.toContain("sk_test_not_the_right_one");
  });

  it("lets the SDK retry a 503 with the same idempotency key: one session, no duplicate", async () => {
    kit.emulator.injectFault({
      status: 503,
      error: { type: "api_error", message: "Stripe is briefly unavailable." },
      pathPrefix: "/v1/checkout/sessions",
    });
    const payments = kit.payments({ maxNetworkRetries: 1 });
    const request = checkoutRequest();
    const first = await payments.createCheckout(request);
    const again = await payments.createCheckout(request);
    expect(again.sessionId).toBe(first.sessionId);
    expect(kit.emulator.sessions()).toHaveLength(1);
  });
});
