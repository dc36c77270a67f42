import { and, eq, sql } from "drizzle-orm";
import type {
  ConnectionProvider,
  ConnectionUpdate,
  ProviderConnectionStore,
  StoredConnection,
} from "../../app/provider-connection-port.js";
import type { Database, Queryable } from "../client.js";
import { providerConnections } from "../schema/index.js";

// provider_connections through Drizzle. The refresh path holds a row lock across the provider
// call on purpose: racing refreshers queue on the row, and each re-reads what the previous
// one stored before deciding whether it still needs to refresh.

const columns = {
  companyId: providerConnections.companyId,
  provider: providerConnections.provider,
  externalAccountId: providerConnections.externalAccountId,
  status: providerConnections.status,
  encryptedTokens: providerConnections.encryptedTokens,
  accessTokenExpiresAt: providerConnections.accessTokenExpiresAt,
  refreshTokenExpiresAt: providerConnections.refreshTokenExpiresAt,
  lastHeartbeatAt: providerConnections.lastHeartbeatAt,
  lastError: providerConnections.lastError,
};

export class DrizzleProviderConnectionStore implements ProviderConnectionStore {
  constructor(private readonly db: Database) {}

  /** How many connections each provider has per status, for health and admin pages. */
  async countByStatus(): Promise<Record<string, Record<string, number>>> {
    const rows = await this.db
      .select({
        provider: providerConnections.provider,
        status: providerConnections.status,
        count: sql<number>`count(*)::int`,
      })
      .from(providerConnections)
      .groupBy(providerConnections.provider, providerConnections.status);
    const counts: Record<string, Record<string, number>> = {};
    for (const row of rows) {
      counts[row.provider] = { ...counts[row.provider], [row.status]: row.count };
    }
    return counts;
  }

  listConnected(provider: ConnectionProvider): Promise<StoredConnection[]> {
    return this.db
      .select(columns)
      .from(providerConnections)
      .where(
        and(
          eq(providerConnections.provider, provider),
          eq(providerConnections.status, "connected"),
        ),
      );
  }

  async readSettings(
    companyId: string,
    provider: ConnectionProvider,
  ): Promise<Record<string, unknown>> {
    const [row] = await this.db
      .select({ settings: providerConnections.settings })
      .from(providerConnections)
      .where(
        and(
          eq(providerConnections.companyId, companyId),
          eq(providerConnections.provider, provider),
        ),
      );
    return row?.settings ?? {};
  }

  async mergeSettings(
    companyId: string,
    provider: ConnectionProvider,
    patch: Record<string, unknown>,
    at: Date,
  ): Promise<void> {
    await this.db
      .update(providerConnections)
      .set({
        settings: sql`${providerConnections.settings} || ${JSON.stringify(patch)}::jsonb`,
        updatedAt: at,
      })
      .where(
        and(
          eq(providerConnections.companyId, companyId),
          eq(providerConnections.provider, provider),
        ),
      );
  }

  async find(companyId: string, provider: ConnectionProvider): Promise<StoredConnection | null> {
    return selectOne(this.db, companyId, provider, false);
  }

  async findByExternalAccount(
    provider: ConnectionProvider,
    externalAccountId: string,
  ): Promise<StoredConnection | null> {
    const [row] = await this.db
      .select(columns)
      .from(providerConnections)
      .where(
        and(
          eq(providerConnections.provider, provider),
          eq(providerConnections.externalAccountId, externalAccountId),
        ),
      )
      .limit(1);
    return row ?? null;
  }

  async upsert(
    companyId: string,
    provider: ConnectionProvider,
    values: ConnectionUpdate & { externalAccountId: string; encryptedTokens: string },
    at: Date,
  ): Promise<void> {
    const fields = { status: "connected" as const, lastError: null, ...values, updatedAt: at };
    await this.db
      .insert(providerConnections)
      .values({ companyId, provider, ...fields, createdAt: at })
      .onConflictDoUpdate({
        target: [providerConnections.companyId, providerConnections.provider],
        set: fields,
      });
  }

  withLockedConnection<T>(
    companyId: string,
    provider: ConnectionProvider,
    work: (
      current: StoredConnection | null,
    ) => Promise<{ result: T; update?: ConnectionUpdate | undefined }>,
    at: Date,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      const current = await selectOne(tx, companyId, provider, true);
      const { result, update } = await work(current);
      if (current && update) {
        await tx
          .update(providerConnections)
          .set({ ...update, updatedAt: at })
          .where(
            and(
              eq(providerConnections.companyId, companyId),
              eq(providerConnections.provider, provider),
            ),
          );
      }
      return result;
    });
  }
}

async function selectOne(
  db: Queryable,
  companyId: string,
  provider: ConnectionProvider,
  lock: boolean,
): Promise<StoredConnection | null> {
  const query = db
    .select(columns)
    .from(providerConnections)
    .where(
      and(eq(providerConnections.companyId, companyId), eq(providerConnections.provider, provider)),
    )
    .limit(1);
  const [row] = lock ? await query.for("update") : await query;
  return row ?? null;
}
