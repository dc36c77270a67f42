import type { Clock, Logger } from "../../app/ports.js";
import type {
  ConnectionUpdate,
  ProviderConnectionStore,
  StoredConnection,
} from "../../app/provider-connection-port.js";
import { AppError } from "../../domain/errors.js";
import type { QuickBooksCredentials, QuickBooksTokenSource } from "./quickbooks-api.js";
import {
  type IssuedTokens,
  type QuickBooksOAuth,
  RefreshRejectedError,
} from "./quickbooks-oauth.js";
import type { TokenCipher } from "./token-cipher.js";

// A company's QuickBooks connection: tokens encrypted at rest, refreshed under the row lock.
// Intuit rotates refresh tokens, so a refresher that spent a stale one could lose the grant;
// under the lock each refresher re-reads the row and refreshes only if nobody else just did.

export interface QuickBooksConnectionsOptions {
  store: ProviderConnectionStore;
  cipher: TokenCipher;
  oauth: QuickBooksOAuth;
  clock: Clock;
  logger: Logger;
  /** Refresh this long before the access token expires (default 5 minutes). */
  refreshMarginMs?: number;
}

type RefreshOutcome =
  | { kind: "ok"; credentials: QuickBooksCredentials }
  | { kind: "missing" }
  | { kind: "rejected"; reason: string };

export class QuickBooksConnections implements QuickBooksTokenSource {
  private readonly marginMs: number;

  constructor(private readonly options: QuickBooksConnectionsOptions) {
    this.marginMs = options.refreshMarginMs ?? 5 * 60_000;
  }

  authorizeUrl(state: string): string {
    return this.options.oauth.authorizeUrl(state);
  }

  /** The OAuth callback: exchanges the code and stores the company's connection. */
  async connect(companyId: string, callbackUrl: string): Promise<{ realmId: string }> {
    const tokens = await this.options.oauth.exchange(callbackUrl);
    const now = this.options.clock.now();
    await this.options.store.upsert(
      companyId,
      "quickbooks",
      {
        externalAccountId: tokens.realmId,
        encryptedTokens: this.options.cipher.encrypt(tokens),
        ...expiries(tokens, now),
      },
      now,
    );
    this.options.logger.info({ provider: "quickbooks", companyId }, "QuickBooks connected");
    return { realmId: tokens.realmId };
  }

  async status(companyId: string): Promise<StoredConnection["status"] | "not_connected"> {
    return (await this.options.store.find(companyId, "quickbooks"))?.status ?? "not_connected";
  }

  async credentials(companyId: string): Promise<QuickBooksCredentials> {
    const row = await this.options.store.find(companyId, "quickbooks");
    const usable = this.usable(row);
    if (usable) {
      return usable;
    }
    return this.refresh(companyId, null);
  }

  refreshAfterRejection(
    companyId: string,
    rejectedAccessToken: string,
  ): Promise<QuickBooksCredentials> {
    return this.refresh(companyId, rejectedAccessToken);
  }

  /**
   * Disconnects: revokes the grant at Intuit (best effort: a grant already gone is fine) and
   * forgets the tokens, under the row lock so no refresh races the revocation.
   */
  async disconnect(companyId: string): Promise<void> {
    const now = this.options.clock.now();
    await this.options.store.withLockedConnection(
      companyId,
      "quickbooks",
      async (row) => {
        if (!row?.encryptedTokens) {
          return { result: undefined };
        }
        try {
          await this.options.oauth.revoke(
            this.options.cipher.decrypt(row.encryptedTokens).refreshToken,
          );
        } catch (error) {
          if (!(error instanceof RefreshRejectedError)) {
            throw error;
          }
        }
        return {
          result: undefined,
          update: {
            status: "disconnected",
            encryptedTokens: null,
            accessTokenExpiresAt: null,
            refreshTokenExpiresAt: null,
          },
        };
      },
      now,
    );
    this.options.logger.info({ provider: "quickbooks", companyId }, "QuickBooks disconnected");
  }

  /** Daily heartbeat: a refresh keeps the 100-day refresh token rolling, and proves the grant. */
  async heartbeat(companyId: string): Promise<void> {
    await this.refresh(companyId, null, true);
  }

  /**
   * Refreshes under the row lock. Skips the refresh when, after waiting for the lock, the row
   * holds an access token other than `rejected` that is not about to expire: someone else
   * refreshed while we waited, and spending our (now superseded) refresh token would be wrong.
   */
  private async refresh(
    companyId: string,
    rejected: string | null,
    force = false,
  ): Promise<QuickBooksCredentials> {
    const now = this.options.clock.now();
    const outcome = await this.options.store.withLockedConnection<RefreshOutcome>(
      companyId,
      "quickbooks",
      async (row) => {
        if (!row?.encryptedTokens || !row.externalAccountId || row.status !== "connected") {
          return { result: { kind: "missing" } };
        }
        const stored = this.options.cipher.decrypt(row.encryptedTokens);
        const usable = this.usable(row);
        if (!force && usable && usable.accessToken !== rejected) {
          return { result: { kind: "ok", credentials: usable } };
        }
        try {
          const tokens = await this.options.oauth.refresh(stored.refreshToken);
          const update: ConnectionUpdate = {
            encryptedTokens: this.options.cipher.encrypt(tokens),
            ...expiries(tokens, now),
            lastError: null,
            ...(force ? { lastHeartbeatAt: now } : {}),
          };
          return {
            result: {
              kind: "ok",
              credentials: { realmId: row.externalAccountId, accessToken: tokens.accessToken },
            },
            update,
          };
        } catch (error) {
          if (error instanceof RefreshRejectedError) {
            return {
              result: { kind: "rejected", reason: error.message },
              update: { status: "reconnect_needed", lastError: error.message },
            };
          }
          throw error;
        }
      },
      now,
    );
    if (outcome.kind === "ok") {
      return outcome.credentials;
    }
    if (outcome.kind === "rejected") {
      this.options.logger.warn(
        { provider: "quickbooks", companyId },
        "QuickBooks refresh token rejected; reconnect needed",
      );
      throw new AppError("PROVIDER_NOT_CONFIGURED", "QuickBooks needs to be reconnected", {
        retryable: false,
        context: { provider: "quickbooks", companyId, status: "reconnect_needed" },
      });
    }
    throw new AppError("PROVIDER_NOT_CONFIGURED", "QuickBooks is not connected for this company", {
      retryable: false,
      context: { provider: "quickbooks", companyId },
    });
  }

  private usable(row: StoredConnection | null): QuickBooksCredentials | null {
    if (
      !row?.encryptedTokens ||
      !row.externalAccountId ||
      row.status !== "connected" ||
      !row.accessTokenExpiresAt ||
      row.accessTokenExpiresAt.getTime() - this.marginMs <= this.options.clock.now().getTime()
    ) {
      return null;
    }
    const { accessToken } = this.options.cipher.decrypt(row.encryptedTokens);
    return { realmId: row.externalAccountId, accessToken };
  }
}

function expiries(tokens: IssuedTokens, now: Date) {
  return {
    accessTokenExpiresAt: new Date(now.getTime() + tokens.accessTokenExpiresInSeconds * 1000),
    refreshTokenExpiresAt: new Date(now.getTime() + tokens.refreshTokenExpiresInSeconds * 1000),
  };
}
