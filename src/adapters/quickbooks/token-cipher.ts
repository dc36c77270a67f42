import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "../../domain/errors.js";

// Provider tokens at rest: AES-256-GCM with a fresh 96-bit nonce per encryption, so equal
// token bundles never encrypt alike, and the auth tag makes any tampering fail loudly.
// Stored form: "v1.<nonce>.<tag>.<ciphertext>" (base64url parts), versioned for key rotation.

export interface TokenBundle {
  accessToken: string;
  refreshToken: string;
}

const VERSION = "v1";

export class TokenCipher {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) {
      throw new AppError("PROVIDER_NOT_CONFIGURED", "The token encryption key must be 32 bytes");
    }
    this.key = Buffer.from(key);
  }

  encrypt(bundle: TokenBundle): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    const ciphertext = Buffer.concat([
      cipher.update(
        JSON.stringify({ accessToken: bundle.accessToken, refreshToken: bundle.refreshToken }),
        "utf8",
      ),
      cipher.final(),
    ]);
    return [VERSION, nonce, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
      .join(".");
  }

  decrypt(stored: string): TokenBundle {
    const [version, nonce, tag, ciphertext] = stored.split(".");
    if (version !== VERSION || !nonce || !tag || ciphertext === undefined) {
      throw new AppError("INTERNAL", "Stored provider tokens are not in a known format");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(nonce, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      const clear = Buffer.concat([
        decipher.update(Buffer.from(ciphertext, "base64url")),
        decipher.final(),
      ]).toString("utf8");
      const parsed = JSON.parse(clear) as Partial<TokenBundle>;
      if (typeof parsed.accessToken !== "string" || typeof parsed.refreshToken !== "string") {
        throw new Error("incomplete bundle");
      }
      return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken };
    } catch (error) {
      // Never echo the ciphertext or the key: only that it failed.
      throw new AppError(
        "INTERNAL",
        "Stored provider tokens failed to decrypt (wrong key or tampered)",
        { cause: error },
      );
    }
  }
}
