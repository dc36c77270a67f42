import { createHmac } from "node:crypto";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { readPaymentReference } from "../../../src/app/payment-events-port.js";
import { checkoutRequest, type StripeKit, startStripe, WEBHOOK_SECRET } from "./stripe-harness.js";

// Paying, failing, refunding and disputing in the emulator: the app's real route, with the
// real verifier, receives Stripe-signed events in the order they happened.

let kit: StripeKit;
afterEach(async () => {
  await kit.close();
});

type EventPayload = {
  id: string;
  type: string;
  created: number;
  data: { object: { id: string; metadata?: Record<string, string>; [key: string]: unknown } };
};

const payloads = () => kit.received.map((event) => event.payload as EventPayload);

describe("webhooks from the Stripe emulator", () => {
  it("delivers a card payment as payment_intent.succeeded then checkout.session.completed, both carrying our reference", async () => {
    kit = await startStripe();
    const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
    await kit.emulator.pay(sessionId, "succeeded");
    await kit.emulator.idle();

    expect(kit.receivedTypes()).toEqual(["payment_intent.succeeded", "checkout.session.completed"]);
    const [intentEvent, sessionEvent] = payloads();
    expect(kit.received.map((event) => event.externalId)).toEqual([
      intentEvent?.id,
      sessionEvent?.id,
    ]);
    expect(kit.received.every((event) => event.type === "stripe.event")).toBe(true);
    expect(sessionEvent?.data.object).toMatchObject({
      id: sessionId,
      status: "complete",
      payment_status: "paid",
      payment_intent: intentEvent?.data.object.id,
    });
    const reference = {
      companyId: "co_acme",
      threadId: "th_42",
      invoiceIds: ["iv_130", "iv_131"],
    };
    expect(readPaymentReference(sessionEvent?.data.object.metadata)).toEqual(reference);
    expect(readPaymentReference(intentEvent?.data.object.metadata)).toEqual(reference);
    expect(intentEvent?.created).toBe(Math.floor(kit.clock.now().getTime() / 1000));
    expect(kit.appLogger.lines.filter((line) => line.level === "warn")).toEqual([]);
  });

  it("signs exactly as Stripe: t from the shared clock, v1 = HMAC-SHA256(secret, t.body)", async () => {
    const seen: Array<{ header: string; body: string }> = [];
    const recorder = Fastify({ logger: false });
    recorder.addContentTypeParser("application/json", { parseAs: "string" }, (_r, body, done) =>
      done(null, body),
    );
    recorder.post("/webhooks/stripe", async (request) => {
      seen.push({
        header: String(request.headers["stripe-signature"]),
        body: String(request.body),
      });
      return { received: true };
    });
    await recorder.listen({ host: "127.0.0.1", port: 0 });
    try {
      const address = recorder.server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      kit = await startStripe({}, { appBaseUrl: `http://127.0.0.1:${port}` });
      kit.clock.set("2026-12-01T10:00:00Z");
      const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
      await kit.sdk().checkout.sessions.expire(sessionId, undefined, {
        idempotencyKey: "expire-1",
      });
      await kit.emulator.idle();
      expect(seen).toHaveLength(1);
      const [delivery] = seen;
      const t = Math.floor(kit.clock.now().getTime() / 1000);
      const v1 = createHmac("sha256", WEBHOOK_SECRET)
        .update(`${t}.${delivery?.body}`)
        .digest("hex");
      expect(delivery?.header).toBe(`t=${t},v1=${v1}`);
      expect(JSON.parse(delivery?.body ?? "{}")).toMatchObject({
        object: "event",
        type: "checkout.session.expired",
        api_version: "2026-10-28.endive",
        created: t,
        livemode: false,
        pending_webhooks: 1,
        request: { idempotency_key: "expire-1" },
        data: {
          object: { id: sessionId, status: "expired" },
          previous_attributes: { status: "open" },
        },
      });
    } finally {
      await recorder.close();
    }
  });

  it("delivers a declined card as payment_intent.payment_failed and keeps the session payable", async () => {
    kit = await startStripe();
    const payments = kit.payments();
    const { sessionId } = await payments.createCheckout(checkoutRequest());
    await kit.emulator.pay(sessionId, "failed");
    await kit.emulator.idle();
    expect(kit.receivedTypes()).toEqual(["payment_intent.payment_failed"]);
    const failed = payloads()[0]?.data.object;
    expect(failed).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { type: "card_error", code: "card_declined" },
    });
    expect((await payments.retrieveCheckoutSession(sessionId)).status).toBe("open");

    await kit.emulator.pay(sessionId, "succeeded");
    await kit.emulator.idle();
    expect(kit.receivedTypes()).toEqual([
      "payment_intent.payment_failed",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    // The retry succeeded on the same PaymentIntent, as in Checkout.
    expect(payloads()[1]?.data.object.id).toBe(failed?.id);
  });

  it("delivers bank debits as completed-unpaid then async_payment_succeeded or async_payment_failed", async () => {
    kit = await startStripe();
    const payments = kit.payments();
    const ok = await payments.createCheckout(checkoutRequest());
    const bad = await payments.createCheckout(checkoutRequest());
    await kit.emulator.pay(ok.sessionId, "succeeded", { paymentMethod: "us_bank_account" });
    await kit.emulator.idle();
    expect(kit.receivedTypes()).toEqual([
      "checkout.session.completed",
      "payment_intent.succeeded",
      "checkout.session.async_payment_succeeded",
    ]);
    expect(payloads()[0]?.data.object.payment_status).toBe("unpaid");
    expect(payloads()[2]?.data.object.payment_status).toBe("paid");

    kit.received.length = 0;
    await kit.emulator.pay(bad.sessionId, "failed", { paymentMethod: "us_bank_account" });
    await kit.emulator.idle();
    expect(kit.receivedTypes()).toEqual([
      "checkout.session.completed",
      "payment_intent.payment_failed",
      "checkout.session.async_payment_failed",
    ]);
  });

  it("delivers refunds as charge.refunded and disputes as charge.dispute.created, pointing at the PaymentIntent", async () => {
    kit = await startStripe();
    const payments = kit.payments();
    const { sessionId } = await payments.createCheckout(checkoutRequest({ amountMinor: 10_000 }));
    await kit.emulator.pay(sessionId, "succeeded");
    const intentId = (await payments.retrieveCheckoutSession(sessionId)).paymentIntentId ?? "";
    await kit.emulator.idle();
    kit.received.length = 0;

    await kit.emulator.refund(intentId, { amountMinor: 2_500 });
    const apiRefund = await kit.sdk().refunds.create({ payment_intent: intentId, amount: 1_000 });
    expect(apiRefund).toMatchObject({ object: "refund", amount: 1_000, payment_intent: intentId });
    await kit.emulator.dispute(sessionId);
    await kit.emulator.idle();

    expect(kit.receivedTypes()).toEqual([
      "charge.refunded",
      "charge.refunded",
      "charge.dispute.created",
    ]);
    const [firstRefund, secondRefund, dispute] = payloads();
    expect(firstRefund?.data.object).toMatchObject({
      object: "charge",
      payment_intent: intentId,
      amount_refunded: 2_500,
      refunded: false,
    });
    expect(secondRefund?.data.object.amount_refunded).toBe(3_500);
    expect(dispute?.data.object).toMatchObject({
      object: "dispute",
      payment_intent: intentId,
      amount: 6_500,
      status: "needs_response",
    });
    expect(await payments.retrievePaymentIntent(intentId)).toMatchObject({
      amountReceivedMinor: 10_000,
      amountRefundedMinor: 3_500,
      disputed: true,
    });

    await expect(kit.emulator.refund(intentId, { amountMinor: 7_000 })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await expect(kit.emulator.dispute(intentId)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(kit.emulator.refund("pi_unknown")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("redelivers an event with the same id, so the app's store can dedupe it", async () => {
    kit = await startStripe();
    const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
    await kit.emulator.pay(sessionId, "succeeded");
    await kit.emulator.idle();
    const completed = kit.received[1];
    kit.emulator.redeliver(completed?.externalId ?? "");
    await kit.emulator.idle();
    expect(kit.received).toHaveLength(3);
    expect(kit.received[2]?.externalId).toBe(completed?.externalId);
  });

  it("holds webhooks and releases them out of order on demand", async () => {
    kit = await startStripe();
    const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
    kit.emulator.holdWebhooks();
    await kit.emulator.pay(sessionId, "succeeded");
    await kit.emulator.idle();
    expect(kit.received).toEqual([]);
    kit.emulator.releaseWebhooks("reversed");
    await kit.emulator.idle();
    expect(kit.receivedTypes()).toEqual(["checkout.session.completed", "payment_intent.succeeded"]);
  });

  it("refuses to deliver anywhere but loopback", async () => {
    kit = await startStripe({}, { appBaseUrl: "http://203.0.113.7:3000" });
    const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
    await kit.emulator.pay(sessionId, "succeeded");
    await kit.emulator.idle();
    expect(kit.emulator.deliveries().every((d) => !d.delivered && d.lastStatus === null)).toBe(
      true,
    );
    expect(
      kit.logger.lines.filter((line) => line.level === "error").map((line) => line.message),
    ).toEqual([
      "sandbox stripe: refusing to deliver a webhook off loopback",
      "sandbox stripe: refusing to deliver a webhook off loopback",
    ]);
  });

  it("retries a delivery the app did not acknowledge once the shared clock reaches the retry time", async () => {
    let down = true;
    kit = await startStripe({}, { failReceive: () => down });
    const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
    await kit.emulator.pay(sessionId, "succeeded");
    await kit.emulator.idle();
    expect(kit.received).toEqual([]);
    expect(kit.emulator.deliveries().map((d) => [d.eventType, d.delivered, d.lastStatus])).toEqual([
      ["payment_intent.succeeded", false, 500],
      ["checkout.session.completed", false, 500],
    ]);
    const undelivered = await kit.sdk().events.list({ delivery_success: false });
    expect(undelivered.data.map((event) => event.type)).toEqual([
      "checkout.session.completed",
      "payment_intent.succeeded",
    ]);

    down = false;
    kit.clock.advance(59 * 60 * 1000);
    await kit.emulator.idle();
    expect(kit.received).toEqual([]);
    kit.clock.advance(60 * 1000);
    await kit.emulator.idle();
    expect(kit.receivedTypes()).toEqual(["payment_intent.succeeded", "checkout.session.completed"]);
    const stillUndelivered = await kit.sdk().events.list({ delivery_success: false });
    expect(stillUndelivered.data).toEqual([]);
  });

  it("lists sessions and payments for the sandbox state", async () => {
    kit = await startStripe();
    const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
    await kit.emulator.pay(sessionId, "succeeded");
    await kit.emulator.refund(sessionId, { amountMinor: 100 });
    const state = kit.emulator.state();
    expect(state.sessions).toEqual([
      expect.objectContaining({ id: sessionId, status: "complete", paymentStatus: "paid" }),
    ]);
    expect(state.payments).toEqual([
      expect.objectContaining({
        checkoutSessionId: sessionId,
        status: "succeeded",
        amountMinor: 36_207,
        amountRefundedMinor: 100,
        disputed: false,
        metadata: expect.objectContaining({ company_id: "co_acme" }),
      }),
    ]);
  });
});
