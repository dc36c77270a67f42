import { randomBytes } from "node:crypto";
import type { Clock } from "../../../app/ports.js";

// Intuit's token rules (reference §A1): access tokens live an hour; every refresh hands out a
// new refresh token, and the previous one keeps working for a grace period (24 h) after its
// successor was issued, then fails with invalid_grant. Revoking kills the whole grant.

export interface TokenRules {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** How long a superseded refresh token stays valid; 0 = strict (rejected at once). */
  oldRefreshGraceSeconds: number;
}

export const DEFAULT_TOKEN_RULES: TokenRules = {
  accessTtlSeconds: 3600,
  refreshTtlSeconds: 8_726_400,
  oldRefreshGraceSeconds: 86_400,
};

export interface TokenResponse {
  token_type: "bearer";
  access_token: string;
  expires_in: number;
  refresh_token: string;
  x_refresh_token_expires_in: number;
}

interface Grant {
  realmId: string;
  revoked: boolean;
}

interface AccessRecord {
  grant: Grant;
  expiresAt: number;
}

interface RefreshRecord {
  grant: Grant;
  expiresAt: number;
  supersededAt: number | null;
}

interface CodeRecord {
  realmId: string;
  redirectUri: string;
  used: boolean;
  expiresAt: number;
}

export type TokenFailure = "invalid_grant" | "invalid_request";

export class OAuthTokens {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly access = new Map<string, AccessRecord>();
  private readonly refresh = new Map<string, RefreshRecord>();
  /** Counts refresh grants answered (tests assert "exactly one refresh"). */
  refreshCount = 0;

  constructor(
    private readonly clock: Clock,
    readonly rules: TokenRules,
  ) {}

  issueCode(realmId: string, redirectUri: string): string {
    const code = `AB11${token(24)}`;
    // Authorization codes are short-lived and single-use.
    this.codes.set(code, {
      realmId,
      redirectUri,
      used: false,
      expiresAt: this.nowMs() + 5 * 60_000,
    });
    return code;
  }

  exchangeCode(code: string, redirectUri: string): TokenResponse | TokenFailure {
    const record = this.codes.get(code);
    if (!record || record.used || record.expiresAt <= this.nowMs()) {
      return "invalid_grant";
    }
    if (record.redirectUri !== redirectUri) {
      return "invalid_grant";
    }
    record.used = true;
    return this.issuePair({ realmId: record.realmId, revoked: false });
  }

  /** A fresh grant without the browser dance: the sandbox's demo connection uses it. */
  grant(realmId: string): TokenResponse {
    return this.issuePair({ realmId, revoked: false });
  }

  refreshWith(refreshToken: string): TokenResponse | TokenFailure {
    const record = this.refresh.get(refreshToken);
    const now = this.nowMs();
    if (!record || record.grant.revoked || record.expiresAt <= now) {
      return "invalid_grant";
    }
    if (
      record.supersededAt !== null &&
      record.supersededAt + this.rules.oldRefreshGraceSeconds * 1000 <= now
    ) {
      return "invalid_grant";
    }
    this.refreshCount += 1;
    if (record.supersededAt === null) {
      record.supersededAt = now;
    }
    return this.issuePair(record.grant);
  }

  /** Revokes the grant that `tokenValue` (access or refresh) belongs to. */
  revoke(tokenValue: string): boolean {
    const grant = this.refresh.get(tokenValue)?.grant ?? this.access.get(tokenValue)?.grant;
    if (!grant) {
      return false;
    }
    grant.revoked = true;
    return true;
  }

  /** The realm an access token may call, or why it may not. */
  authenticate(accessToken: string): { realmId: string } | { failure: string } {
    const record = this.access.get(accessToken);
    if (!record) {
      return { failure: "Token invalid" };
    }
    if (record.grant.revoked) {
      return { failure: "Token revoked" };
    }
    if (record.expiresAt <= this.nowMs()) {
      return { failure: "Token expired" };
    }
    return { realmId: record.grant.realmId };
  }

  /** Test hook: makes every access token issued so far expire now. */
  expireAccessTokens(): void {
    const now = this.nowMs();
    for (const record of this.access.values()) {
      record.expiresAt = Math.min(record.expiresAt, now);
    }
  }

  private issuePair(grant: Grant): TokenResponse {
    const now = this.nowMs();
    const accessToken = `eyJ${token(32)}`;
    const refreshToken = `RT1${token(24)}`;
    this.access.set(accessToken, { grant, expiresAt: now + this.rules.accessTtlSeconds * 1000 });
    this.refresh.set(refreshToken, {
      grant,
      expiresAt: now + this.rules.refreshTtlSeconds * 1000,
      supersededAt: null,
    });
    return {
      token_type: "bearer",
      access_token: accessToken,
      expires_in: this.rules.accessTtlSeconds,
      refresh_token: refreshToken,
      x_refresh_token_expires_in: this.rules.refreshTtlSeconds,
    };
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }
}

function token(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}
