// Storage for provider connections (OAuth tokens per company and provider). Tokens arrive and
// leave already encrypted: the store never sees them in clear. Refreshes are serialized by
// `withLockedConnection`, which holds the row lock (SELECT … FOR UPDATE) for the whole callback,
// because QuickBooks refresh tokens rotate and two refreshers must never both spend one.

export type ConnectionProvider = "quickbooks" | "stripe" | "twilio" | "slack";
export type ConnectionStatus = "connected" | "reconnect_needed" | "disconnected";

export interface StoredConnection {
  companyId: string;
  provider: ConnectionProvider;
  externalAccountId: string | null;
  status: ConnectionStatus;
  encryptedTokens: string | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  lastHeartbeatAt: Date | null;
  lastError: string | null;
}

export interface ConnectionUpdate {
  status?: ConnectionStatus;
  externalAccountId?: string | null;
  encryptedTokens?: string | null;
  accessTokenExpiresAt?: Date | null;
  refreshTokenExpiresAt?: Date | null;
  lastHeartbeatAt?: Date | null;
  lastError?: string | null;
}

export interface ProviderConnectionStore {
  listConnected(provider: ConnectionProvider): Promise<StoredConnection[]>;
  /** Free-form per-connection state (e.g. the QuickBooks CDC cursor). */
  readSettings(companyId: string, provider: ConnectionProvider): Promise<Record<string, unknown>>;
  mergeSettings(
    companyId: string,
    provider: ConnectionProvider,
    patch: Record<string, unknown>,
    at: Date,
  ): Promise<void>;
  find(companyId: string, provider: ConnectionProvider): Promise<StoredConnection | null>;
  /** The connection a provider account (e.g. a QuickBooks realm) belongs to, for webhooks. */
  findByExternalAccount(
    provider: ConnectionProvider,
    externalAccountId: string,
  ): Promise<StoredConnection | null>;
  /** Creates or replaces the company's connection for that provider (after OAuth consent). */
  upsert(
    companyId: string,
    provider: ConnectionProvider,
    values: ConnectionUpdate & { externalAccountId: string; encryptedTokens: string },
    at: Date,
  ): Promise<void>;
  /**
   * Locks the row for the duration of `work` (in one transaction), passes its current content
   * (re-read under the lock), and writes `update` if `work` returns one before committing.
   */
  withLockedConnection<T>(
    companyId: string,
    provider: ConnectionProvider,
    work: (
      current: StoredConnection | null,
    ) => Promise<{ result: T; update?: ConnectionUpdate | undefined }>,
    at: Date,
  ): Promise<T>;
}
