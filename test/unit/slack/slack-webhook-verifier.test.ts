import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SlackWebhookVerifier } from "../../../src/adapters/slack/slack-webhook-verifier.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

function signed(body: string, timestamp: number, secret = SECRET) {
  const signature = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return {
    rawBody: Buffer.from(body),
    headers: {
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": `v0=${signature}`,
    },
    url: "https://app.example/webhooks/slack/events",
  };
}

const verifier = new SlackWebhookVerifier({ signingSecret: SECRET });
const now = new Date("2026-11-21T15:00:00Z");
const nowSeconds = now.getTime() / 1000;

describe("SlackWebhookVerifier", () => {
  it("accepts Slack's documented example request", () => {
    // From Slack's "Verifying requests from Slack" guide (secret, timestamp, body, signature).
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const request = {
      rawBody: Buffer.from(body),
      headers: {
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
      },
      url: "https://app.example/slack/commands",
    };
    expect(verifier.verify(request, new Date(1531420618 * 1000))).toEqual({ ok: true });
  });

  it("accepts a fresh, correctly signed body", () => {
    expect(verifier.verify(signed('{"type":"event_callback"}', nowSeconds), now)).toEqual({
      ok: true,
    });
  });

  it("rejects a tampered body", () => {
    const request = signed('{"amount":1}', nowSeconds);
    const verdict = verifier.verify({ ...request, rawBody: Buffer.from('{"amount":9}') }, now);
    expect(verdict).toEqual({ ok: false, reason: "signature mismatch" });
  });

  it("rejects a body signed with another secret", () => {
    expect(verifier.verify(signed("payload=x", nowSeconds, "other-secret"), now).ok).toBe(false);
  });

  it("accepts five minutes of skew either way and rejects one second more", () => {
    expect(verifier.verify(signed("a=1", nowSeconds - 300), now).ok).toBe(true);
    expect(verifier.verify(signed("a=1", nowSeconds + 300), now).ok).toBe(true);
    expect(verifier.verify(signed("a=1", nowSeconds - 301), now)).toEqual({
      ok: false,
      reason: "timestamp outside the 5-minute window",
    });
    expect(verifier.verify(signed("a=1", nowSeconds + 301), now).ok).toBe(false);
  });

  it("rejects missing or malformed headers", () => {
    const request = signed("a=1", nowSeconds);
    expect(verifier.verify({ ...request, headers: {} }, now).ok).toBe(false);
    expect(
      verifier.verify(
        { ...request, headers: { ...request.headers, "x-slack-signature": "v1=abc" } },
        now,
      ).ok,
    ).toBe(false);
    expect(
      verifier.verify(
        { ...request, headers: { ...request.headers, "x-slack-request-timestamp": "soon" } },
        now,
      ).ok,
    ).toBe(false);
  });

  it("refuses to exist without a signing secret", () => {
    expect(() => new SlackWebhookVerifier({ signingSecret: "" })).toThrow(/signing secret/);
  });
});
