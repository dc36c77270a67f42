import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TokenCipher } from "../../../src/adapters/quickbooks/token-cipher.js";

describe("TokenCipher (AES-256-GCM)", () => {
  const bundle = { accessToken: "eyJ-access", refreshToken: "RT1-refresh" };

  it("round-trips a token bundle and never shows it in the stored form", () => {
    const cipher = new TokenCipher(randomBytes(32));
    const stored = cipher.encrypt(bundle);
    expect(stored.startsWith("v1.")).toBe(true);
    expect(stored).not.toContain("eyJ-access");
    expect(stored).not.toContain("RT1-refresh");
    expect(cipher.decrypt(stored)).toEqual(bundle);
  });

  it("uses a fresh nonce each time, so equal bundles encrypt differently", () => {
    const cipher = new TokenCipher(randomBytes(32));
    expect(cipher.encrypt(bundle)).not.toBe(cipher.encrypt(bundle));
  });

  it("detects tampering with the ciphertext, the tag or the nonce", () => {
    const cipher = new TokenCipher(randomBytes(32));
    const parts = cipher.encrypt(bundle).split(".");
    for (const index of [1, 2, 3]) {
      const tampered = [...parts];
      const bytes = Buffer.from(tampered[index] ?? "", "base64url");
      bytes[0] = (bytes[0] ?? 0) ^ 0x01;
      tampered[index] = bytes.toString("base64url");
      expect(() => cipher.decrypt(tampered.join("."))).toThrow(/failed to decrypt/);
    }
  });

  it("refuses a wrong key and keys that are not 32 bytes", () => {
    const stored = new TokenCipher(randomBytes(32)).encrypt(bundle);
    expect(() => new TokenCipher(randomBytes(32)).decrypt(stored)).toThrow(/failed to decrypt/);
    expect(() => new TokenCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
