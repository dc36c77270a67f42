import { describe, expect, it } from "vitest";
import { copyLinkToken, copyLinkUrl } from "../../../src/app/invoice-copies.js";
import { isWellFormedPayLinkToken, payLinkToken } from "../../../src/app/pay-links.js";

const key = Buffer.alloc(32, 7);

describe("copy link tokens", () => {
  it("are the same for the same key, company and seed (a retried dispatch re-issues the same link)", () => {
    expect(copyLinkToken(key, "co_1", "ob_123")).toBe(copyLinkToken(key, "co_1", "ob_123"));
  });

  it("differ per seed, per company and per key", () => {
    const base = copyLinkToken(key, "co_1", "ob_123");
    expect(copyLinkToken(key, "co_1", "ob_124")).not.toBe(base);
    expect(copyLinkToken(key, "co_2", "ob_123")).not.toBe(base);
    expect(copyLinkToken(Buffer.alloc(32, 8), "co_1", "ob_123")).not.toBe(base);
  });

  it("differ from the pay link token of the same outbox row, so one text can carry both", () => {
    expect(copyLinkToken(key, "co_1", "ob_123")).not.toBe(payLinkToken(key, "co_1", "ob_123"));
  });

  it("carry 256 bits in the pay links' 43-character shape", () => {
    const token = copyLinkToken(key, "co_1", "ob_123");
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(isWellFormedPayLinkToken(token)).toBe(true);
  });

  it("make /i/ links on the public base URL, with or without its trailing slash", () => {
    expect(copyLinkUrl("https://pay.acme.test/", "abc")).toBe("https://pay.acme.test/i/abc");
    expect(copyLinkUrl("https://pay.acme.test", "abc")).toBe("https://pay.acme.test/i/abc");
  });
});
