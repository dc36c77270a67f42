import Fastify, { type FastifyInstance } from "fastify";
import twilio from "twilio";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TwilioWebhookVerifier } from "../../../src/adapters/twilio/twilio-webhook-verifier.js";
import type { NewInboundEvent } from "../../../src/app/ports.js";
import { twilioWebhookRoutes } from "../../../src/http/routes/webhooks-twilio.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";

// The webhook routes alone, through inject(): signatures are made with the SDK's own helper,
// so the route + verifier pair is checked against Twilio's algorithm, not against itself.

const AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
const PUBLIC = "https://duetext.example";
const PHONE = "+15558675310";

const inbound = {
  ToCountry: "US",
  SmsMessageSid: "SM11111111111111111111111111111111",
  NumMedia: "0",
  SmsSid: "SM11111111111111111111111111111111",
  SmsStatus: "received",
  Body: "le pago el viernes",
  To: "+15017122661",
  MessagingServiceSid: "MG11111111111111111111111111111111",
  NumSegments: "1",
  MessageSid: "SM11111111111111111111111111111111",
  AccountSid: "AC11111111111111111111111111111111",
  From: PHONE,
  ApiVersion: "2010-04-01",
};

const status = {
  AccountSid: "AC11111111111111111111111111111111",
  ApiVersion: "2010-04-01",
  From: "+15017122661",
  MessageSid: "SM22222222222222222222222222222222",
  MessageStatus: "delivered",
  SmsSid: "SM22222222222222222222222222222222",
  SmsStatus: "delivered",
  To: PHONE,
};

function encode(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function signed(path: string, params: Record<string, string>, url = `${PUBLIC}${path}`) {
  return {
    method: "POST" as const,
    url: path,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params),
    },
    payload: encode(params),
  };
}

describe("Twilio webhook routes", () => {
  let app: FastifyInstance;
  let received: Array<Omit<NewInboundEvent, "receivedAt">>;
  let logger: MemoryLogger;

  beforeEach(async () => {
    received = [];
    logger = new MemoryLogger();
    app = Fastify({ logger: false });
    await app.register(
      twilioWebhookRoutes({
        verifier: new TwilioWebhookVerifier({ authToken: AUTH_TOKEN }),
        receive: async (event) => {
          received.push(event);
          return { id: `ie_${received.length}`, duplicate: false };
        },
        publicBaseUrl: `${PUBLIC}/`,
        clock: new FakeClock(new Date("2026-11-20T15:00:00Z")),
        logger,
      }),
    );
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
  });

  function expectRejectionLoggedWithoutPii() {
    const warnings = logger.lines.filter((line) => line.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.object.provider).toBe("twilio");
    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toContain(PHONE);
    expect(logged).not.toContain("5558675310");
    expect(logged).not.toContain("viernes");
  }

  it("accepts a signed inbound message and answers with empty TwiML", async () => {
    const response = await app.inject(signed("/webhooks/twilio/sms", inbound));
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/xml/);
    expect(response.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(received).toEqual([
      {
        provider: "twilio",
        externalId: inbound.MessageSid,
        type: "twilio.sms",
        payload: inbound,
      },
    ]);
  });

  it("accepts a signed status callback with the status in the external id", async () => {
    const response = await app.inject(signed("/webhooks/twilio/status", status));
    expect(response.statusCode).toBe(204);
    expect(received).toEqual([
      {
        provider: "twilio",
        externalId: `${status.MessageSid}:delivered`,
        type: "twilio.status",
        payload: status,
      },
    ]);
  });

  it("verifies the query string Twilio called as part of the URL", async () => {
    const path = "/webhooks/twilio/status?ref=ob_1";
    expect((await app.inject(signed(path, status))).statusCode).toBe(204);
    const unsignedQuery = signed(path, status, `${PUBLIC}/webhooks/twilio/status`);
    expect((await app.inject(unsignedQuery)).statusCode).toBe(403);
  });

  it("rejects a tampered body with 403 and a log line naming only the provider", async () => {
    const request = signed("/webhooks/twilio/sms", inbound);
    request.payload = encode({ ...inbound, Body: "le pago el viernes 20" });
    const response = await app.inject(request);
    expect(response.statusCode).toBe(403);
    expect(received).toEqual([]);
    expectRejectionLoggedWithoutPii();
  });

  it("rejects a signature made for another URL", async () => {
    const response = await app.inject(
      signed("/webhooks/twilio/sms", inbound, "https://evil.example/webhooks/twilio/sms"),
    );
    expect(response.statusCode).toBe(403);
    expect(received).toEqual([]);
    expectRejectionLoggedWithoutPii();
  });

  it("rejects a request without X-Twilio-Signature", async () => {
    const request = signed("/webhooks/twilio/status", status);
    const { "x-twilio-signature": _dropped, ...headers } = request.headers;
    const response = await app.inject({ ...request, headers });
    expect(response.statusCode).toBe(403);
    expect(received).toEqual([]);
    expectRejectionLoggedWithoutPii();
  });

  it("rejects a signature made with another auth token", async () => {
    const request = signed("/webhooks/twilio/sms", inbound);
    request.headers["x-twilio-signature"] = twilio.getExpectedTwilioSignature(
      "another-token",
      `${PUBLIC}/webhooks/twilio/sms`,
      inbound,
    );
    expect((await app.inject(request)).statusCode).toBe(403);
    expect(received).toEqual([]);
  });

  it("passes a redelivery on with the identical external id", async () => {
    await app.inject(signed("/webhooks/twilio/sms", inbound));
    await app.inject(signed("/webhooks/twilio/sms", inbound));
    await app.inject(signed("/webhooks/twilio/status", status));
    await app.inject(signed("/webhooks/twilio/status", status));
    expect(received.map((event) => event.externalId)).toEqual([
      inbound.MessageSid,
      inbound.MessageSid,
      `${status.MessageSid}:delivered`,
      `${status.MessageSid}:delivered`,
    ]);
  });

  it("refuses bodies that are not form-encoded", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/twilio/sms",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify(inbound),
    });
    expect(response.statusCode).toBe(415);
    expect(received).toEqual([]);
  });

  it("rejects a correctly signed request that is not an inbound message", async () => {
    const response = await app.inject(signed("/webhooks/twilio/sms", { Foo: "bar" }));
    expect(response.statusCode).toBe(400);
    expect(received).toEqual([]);
  });
});
