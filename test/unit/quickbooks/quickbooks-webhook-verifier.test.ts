import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { QuickBooksWebhookVerifier } from "../../../src/adapters/quickbooks/quickbooks-webhook-verifier.js";

const TOKEN = "verifier-token";
const body = Buffer.from('[{"specversion":"1.0","id":"e1","type":"qbo.invoice.updated.v1"}]');
const sign = (raw: Buffer, token = TOKEN) =>
  createHmac("sha256", token).update(raw).digest("base64");
const request = (raw: Buffer, signature?: string) => ({
  rawBody: raw,
  headers: signature === undefined ? {} : { "intuit-signature": signature },
  url: "https://app.example/webhooks/quickbooks",
});

describe("QuickBooksWebhookVerifier", () => {
  const verifier = new QuickBooksWebhookVerifier(TOKEN);
  const now = new Date("2026-11-20T00:00:00Z");

  it("accepts the base64 HMAC-SHA256 of the raw body", () => {
    expect(verifier.verify(request(body, sign(body)), now)).toEqual({ ok: true });
  });

  it("rejects a tampered body, a wrong token, and a missing header", () => {
    const tampered = Buffer.from(body.toString().replace("e1", "e2"));
    expect(verifier.verify(request(tampered, sign(body)), now).ok).toBe(false);
    expect(verifier.verify(request(body, sign(body, "other-token")), now).ok).toBe(false);
    expect(verifier.verify(request(body), now)).toEqual({
      ok: false,
      reason: "missing intuit-signature header",
    });
    expect(verifier.verify(request(body, "not base64 at all"), now).ok).toBe(false);
  });

  it("refuses to exist without a verifier token", () => {
    expect(() => new QuickBooksWebhookVerifier("")).toThrow();
  });
});
