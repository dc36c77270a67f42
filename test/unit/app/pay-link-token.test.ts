import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  hashPayLinkToken,
  isWellFormedPayLinkToken,
  payLinkToken,
  payLinkUrl,
} from "../../../src/app/pay-links.js";

const key = Buffer.alloc(32, 7);

describe("pay link tokens", () => {
  it("are the same for the same key, company and seed (a retried dispatch re-issues the same link)", () => {
    expect(payLinkToken(key, "co_1", "ob_123")).toBe(payLinkToken(key, "co_1", "ob_123"));
  });

  it("differ per seed, per company and per key", () => {
    const base = payLinkToken(key, "co_1", "ob_123");
    expect(payLinkToken(key, "co_1", "ob_124")).not.toBe(base);
    expect(payLinkToken(key, "co_2", "ob_123")).not.toBe(base);
    expect(payLinkToken(Buffer.alloc(32, 8), "co_1", "ob_123")).not.toBe(base);
  });

  it("carry 256 bits as 43 URL-safe characters, and the shape check accepts exactly that", () => {
    const token = payLinkToken(key, "co_1", "ob_123");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(isWellFormedPayLinkToken(token)).toBe(true);
    expect(isWellFormedPayLinkToken(token.slice(1))).toBe(false);
    expect(isWellFormedPayLinkToken(`${token.slice(1)}/`)).toBe(false);
  });

  it("are stored as their SHA-256 only", () => {
    const token = payLinkToken(key, "co_1", "ob_123");
    const hash = hashPayLinkToken(token);
    expect(hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(hash).not.toContain(token);
  });

  it("make links on the public base URL, with or without its trailing slash", () => {
    expect(payLinkUrl("https://pay.acme.test/", "abc")).toBe("https://pay.acme.test/p/abc");
    expect(payLinkUrl("https://pay.acme.test", "abc")).toBe("https://pay.acme.test/p/abc");
  });
});
