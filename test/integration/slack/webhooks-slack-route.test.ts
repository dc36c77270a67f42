import { createHmac } from "node:crypto";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackWebhookVerifier } from "../../../src/adapters/slack/slack-webhook-verifier.js";
import { slackWebhookRoutes } from "../../../src/http/routes/webhooks-slack.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import type { Received } from "./slack-fixtures.js";

// The Slack routes through inject(): verification on the raw bytes, the 401 and its log line,
// url_verification, and what is handed to `receive`.

const SECRET = "route-test-signing-secret";
const clock = new FakeClock(new Date("2026-11-21T15:00:00Z"));
const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

let app: FastifyInstance;
let received: Received[];
let logger: MemoryLogger;

beforeEach(async () => {
  received = [];
  logger = new MemoryLogger();
  app = Fastify({ logger: false });
  await app.register(
    slackWebhookRoutes({
      verifier: new SlackWebhookVerifier({ signingSecret: SECRET }),
      receive: async (event) => {
        received.push(event);
        return { duplicate: false };
      },
      publicBaseUrl: "https://duetext.example",
      clock,
      logger,
    }),
  );
});

afterEach(async () => {
  await app.close();
});

function headers(body: string, contentType: string, timestamp = nowSeconds(), secret = SECRET) {
  const signature = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": `v0=${signature}`,
  };
}

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

const clickPayload = {
  type: "block_actions",
  user: { id: "U0STAFF001", username: "ana", name: "ana", team_id: "T0DUETEXT1" },
  container: { type: "message", message_ts: "1795273200.000100", channel_id: "C0COLLECT01" },
  actions: [
    {
      type: "button",
      action_id: "take_over",
      block_id: "escalation:tk_1",
      value: '{"companyId":"co_1","threadId":"th_1","taskId":"tk_1"}',
      action_ts: "1795273260.000200",
    },
  ],
  response_url: "http://127.0.0.1:3001/slack/hooks/actions/T0DUETEXT1/1/abc",
};
const clickBody = new URLSearchParams({ payload: JSON.stringify(clickPayload) }).toString();

const eventBody = JSON.stringify({
  type: "event_callback",
  team_id: "T0DUETEXT1",
  event_id: "Ev0ABCDEF12",
  event_time: 1795273300,
  event: {
    type: "message",
    channel: "C0COLLECT01",
    user: "U0STAFF001",
    text: "I'll call her",
    ts: "1795273300.000300",
    thread_ts: "1795273200.000100",
  },
});

function expectRejectedAndLogged(statusCode: number) {
  expect(statusCode).toBe(401);
  expect(received).toEqual([]);
  const warnings = logger.lines.filter((line) => line.level === "warn");
  expect(warnings).toHaveLength(1);
  // Only the provider: no body, header, signature or secret in the log line.
  expect(warnings[0]?.object).toEqual({ provider: "slack" });
  expect(JSON.stringify(warnings[0])).not.toMatch(/v0=|take_over|Ev0ABCDEF12|route-test/);
}

describe("POST /webhooks/slack/actions", () => {
  it("accepts a signed click and hands it on with a stable external id", async () => {
    for (let i = 0; i < 2; i++) {
      const response = await app.inject({
        method: "POST",
        url: "/webhooks/slack/actions",
        headers: headers(clickBody, FORM),
        payload: clickBody,
      });
      expect(response.statusCode).toBe(200);
    }
    expect(received).toHaveLength(2);
    expect(received[0]).toEqual({
      provider: "slack",
      externalId: "1795273200.000100:1795273260.000200",
      type: "slack.action",
      payload: clickPayload,
    });
    expect(received[1]?.externalId).toBe(received[0]?.externalId);
  });

  it("rejects a tampered body with 401 and a log line naming only the provider", async () => {
    const tampered = clickBody.replace("take_over", "mark_resolved");
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/actions",
      headers: headers(clickBody, FORM),
      payload: tampered,
    });
    expectRejectedAndLogged(response.statusCode);
  });

  it("rejects a body signed with the wrong secret", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/actions",
      headers: headers(clickBody, FORM, nowSeconds(), "not-our-secret"),
      payload: clickBody,
    });
    expectRejectedAndLogged(response.statusCode);
  });

  it("rejects a stale timestamp even with a valid signature (replay)", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/actions",
      headers: headers(clickBody, FORM, nowSeconds() - 6 * 60),
      payload: clickBody,
    });
    expectRejectedAndLogged(response.statusCode);
  });

  it("rejects an unsigned request", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/actions",
      headers: { "content-type": FORM },
      payload: clickBody,
    });
    expectRejectedAndLogged(response.statusCode);
  });

  it("answers 400 to a signed form without a payload field", async () => {
    const body = "foo=bar";
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/actions",
      headers: headers(body, FORM),
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(received).toEqual([]);
  });
});

describe("POST /webhooks/slack/events", () => {
  it("answers url_verification with the challenge once verified", async () => {
    const body = JSON.stringify({
      token: "t",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWM",
      type: "url_verification",
    });
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/events",
      headers: headers(body, JSON_TYPE),
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWM" });
    expect(received).toEqual([]);
  });

  it("does not answer an unsigned url_verification", async () => {
    const body = JSON.stringify({ challenge: "abc", type: "url_verification" });
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/events",
      headers: { "content-type": JSON_TYPE },
      payload: body,
    });
    expectRejectedAndLogged(response.statusCode);
    expect(response.body).not.toContain("abc");
  });

  it("accepts a signed event_callback keyed by event_id, also when Slack retries it", async () => {
    for (const retry of [undefined, "1"]) {
      const response = await app.inject({
        method: "POST",
        url: "/webhooks/slack/events",
        headers: {
          ...headers(eventBody, "application/json; charset=utf-8"),
          ...(retry ? { "x-slack-retry-num": retry, "x-slack-retry-reason": "http_timeout" } : {}),
        },
        payload: eventBody,
      });
      expect(response.statusCode).toBe(200);
    }
    expect(received.map((event) => [event.type, event.externalId])).toEqual([
      ["slack.event", "Ev0ABCDEF12"],
      ["slack.event", "Ev0ABCDEF12"],
    ]);
    expect(received[0]?.payload).toEqual(JSON.parse(eventBody));
  });

  it("rejects a tampered event", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/events",
      headers: headers(eventBody, JSON_TYPE),
      payload: eventBody.replace("I'll call her", "ignore her"),
    });
    expectRejectedAndLogged(response.statusCode);
  });

  it("verifies the exact bytes: re-serialised JSON would not match", async () => {
    // Same JSON value, different bytes (spacing): the signature covers bytes, not values.
    const spaced = JSON.stringify(JSON.parse(eventBody), null, 2);
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/events",
      headers: headers(spaced, JSON_TYPE),
      payload: spaced,
    });
    expect(response.statusCode).toBe(200);
    const mismatched = await app.inject({
      method: "POST",
      url: "/webhooks/slack/events",
      headers: headers(spaced, JSON_TYPE),
      payload: eventBody,
    });
    expect(mismatched.statusCode).toBe(401);
  });

  it("answers 400 to a signed event_callback without an event_id", async () => {
    const body = JSON.stringify({ type: "event_callback", event: { type: "message" } });
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/slack/events",
      headers: headers(body, JSON_TYPE),
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(received).toEqual([]);
  });
});

describe("inside an app that parses forms itself", () => {
  it("still verifies the raw bytes (the plugin's parsers are encapsulated)", async () => {
    const parent = Fastify({ logger: false });
    await parent.register(formbody);
    const seen: Received[] = [];
    await parent.register(
      slackWebhookRoutes({
        verifier: new SlackWebhookVerifier({ signingSecret: SECRET }),
        receive: async (event) => {
          seen.push(event);
          return null;
        },
        publicBaseUrl: "https://duetext.example",
        clock,
        logger: new MemoryLogger(),
      }),
    );
    parent.post("/elsewhere", async (request) => request.body);
    const response = await parent.inject({
      method: "POST",
      url: "/webhooks/slack/actions",
      headers: headers(clickBody, FORM),
      payload: clickBody,
    });
    expect(response.statusCode).toBe(200);
    expect(seen).toHaveLength(1);
    // The parent's own form routes keep their parser.
    const other = await parent.inject({
      method: "POST",
      url: "/elsewhere",
      headers: { "content-type": FORM },
      payload: "a=1",
    });
    expect(other.json()).toEqual({ a: "1" });
    await parent.close();
  });
});
