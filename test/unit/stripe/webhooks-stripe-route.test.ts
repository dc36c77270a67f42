import { createHmac } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StripeWebhookVerifier } from "../../../src/adapters/stripe/stripe-webhook-verifier.js";
import type { NewInboundEvent } from "../../../src/app/ports.js";
import { stripeWebhookRoutes } from "../../../src/http/routes/webhooks-stripe.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";

// POST /webhooks/stripe through inject(): a Fastify app with only this plugin, the real
// verifier, and a `receive` that records what would be stored.

const SECRET = "whsec_route_test_secret";
const NOW = new Date("2026-11-20T12:00:00Z");
const T = Math.floor(NOW.getTime() / 1000);

// Pretty-printed like Stripe's bodies: re-serializing would change the bytes and the HMAC.
const BODY = JSON.stringify(
  {
    id: "evt_1RouteTest",
    object: "event",
    api_version: "2026-10-28.endive",
    created: T,
    type: "checkout.session.completed",
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: { id: "cs_test_1", object: "checkout.session", amount_total: 100 } },
  },
  null,
  2,
);

function sign(body: string, secret = SECRET, t = T): string {
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${v1}`;
}

let app: FastifyInstance;
let received: Array<Omit<NewInboundEvent, "receivedAt">>;
let logger: MemoryLogger;
let clock: FakeClock;

beforeEach(async () => {
  received = [];
  logger = new MemoryLogger();
  clock = new FakeClock(NOW);
  app = Fastify({ logger: false });
  // Another route's JSON body still parses normally: the raw parser is encapsulated.
  app.post("/elsewhere", async (request) => ({ got: request.body }));
  await app.register(
    stripeWebhookRoutes({
      verifier: new StripeWebhookVerifier({ webhookSecret: SECRET }),
      receive: async (event) => {
        received.push(event);
        return { duplicate: received.length > 1 };
      },
      publicBaseUrl: "https://duetext.example",
      clock,
      logger,
    }),
  );
  await app.ready();
});
afterEach(async () => {
  await app.close();
});

const post = (body: string, signature: string | undefined) =>
  app.inject({
    method: "POST",
    url: "/webhooks/stripe",
    headers: {
      "content-type": "application/json; charset=utf-8",
      ...(signature === undefined ? {} : { "stripe-signature": signature }),
    },
    payload: body,
  });

function expectRejectedWithProviderOnlyLog() {
  expect(received).toEqual([]);
  const warnings = logger.lines.filter((line) => line.level === "warn");
  expect(warnings).toHaveLength(1);
  expect(warnings[0]?.object).toEqual({ provider: "stripe" });
  expect(JSON.stringify(warnings)).not.toContain(SECRET);
  expect(JSON.stringify(warnings)).not.toContain("v1=");
}

describe("POST /webhooks/stripe", () => {
  it("accepts a validly signed event and stores it by its event id", async () => {
    const response = await post(BODY, sign(BODY));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true });
    expect(received).toEqual([
      {
        provider: "stripe",
        externalId: "evt_1RouteTest",
        type: "stripe.event",
        payload: JSON.parse(BODY),
      },
    ]);
    expect(logger.lines.filter((line) => line.level === "warn")).toEqual([]);
  });

  it("accepts a signature among several v1 values (a secret being rolled)", async () => {
    const other = sign(BODY, "whsec_old_secret").split(",")[1];
    const response = await post(BODY, `${sign(BODY)},${other}`);
    expect(response.statusCode).toBe(200);
  });

  it("rejects a tampered body", async () => {
    const tampered = BODY.replace('"amount_total": 100', '"amount_total": 1');
    expect(tampered).not.toBe(BODY);
    const response = await post(tampered, sign(BODY));
    expect(response.statusCode).toBe(403);
    expectRejectedWithProviderOnlyLog();
  });

  it("rejects a signature made with another secret", async () => {
    const response = await post(BODY, sign(BODY, "whsec_someone_else"));
    expect(response.statusCode).toBe(403);
    expectRejectedWithProviderOnlyLog();
  });

  it("rejects a timestamp older than 300 seconds by the app's clock, and accepts one at 300", async () => {
    clock.set(new Date((T + 301) * 1000));
    const stale = await post(BODY, sign(BODY));
    expect(stale.statusCode).toBe(403);
    expectRejectedWithProviderOnlyLog();

    clock.set(new Date((T + 300) * 1000));
    const edge = await post(BODY, sign(BODY));
    expect(edge.statusCode).toBe(200);
  });

  it("rejects a missing or malformed Stripe-Signature header", async () => {
    expect((await post(BODY, undefined)).statusCode).toBe(403);
    expect((await post(BODY, "garbage")).statusCode).toBe(403);
    expect(received).toEqual([]);
  });

  it("rejects a signed body that is not a Stripe event", async () => {
    const body = JSON.stringify({ hello: "world" });
    const response = await post(body, sign(body));
    expect(response.statusCode).toBe(400);
    expect(received).toEqual([]);
  });

  it("passes a redelivery with the same externalId, so the store can dedupe it", async () => {
    expect((await post(BODY, sign(BODY))).statusCode).toBe(200);
    clock.advance(60_000);
    const later = sign(BODY, SECRET, T + 60);
    expect((await post(BODY, later)).statusCode).toBe(200);
    expect(received.map((event) => event.externalId)).toEqual(["evt_1RouteTest", "evt_1RouteTest"]);
  });

  it("leaves JSON parsing of other routes alone", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/elsewhere",
      headers: { "content-type": "application/json" },
      payload: '{"a":1}',
    });
    expect(response.json()).toEqual({ got: { a: 1 } });
  });
});
