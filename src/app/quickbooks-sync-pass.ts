import { toAppError } from "../domain/errors.js";
import type { Clock, Logger } from "./ports.js";
import type { ProviderConnectionStore } from "./provider-connection-port.js";
import { type QuickBooksSyncDeps, syncQuickBooksChanges } from "./quickbooks-import.js";

// The safety net behind QuickBooks webhooks: for every connected company, Change Data
// Capture since the stored cursor, and once a day a token refresh that keeps the 100-day
// refresh token alive (a failure there marks the connection reconnect_needed).

export interface QuickBooksSyncPassDeps {
  connections: ProviderConnectionStore;
  sync: QuickBooksSyncDeps;
  heartbeat(companyId: string): Promise<void>;
  clock: Clock;
  logger: Logger;
  heartbeatEveryMs?: number;
}

const DAY_MS = 86_400_000;

/** Change Data Capture for one company since its stored cursor; then the cursor moves on. */
export async function syncQuickBooksCompany(
  deps: Pick<QuickBooksSyncPassDeps, "connections" | "sync" | "clock" | "logger">,
  companyId: string,
): Promise<void> {
  const now = deps.clock.now();
  const settings = await deps.connections.readSettings(companyId, "quickbooks");
  const since = typeof settings.cdcSince === "string" ? new Date(settings.cdcSince) : null;
  const result = await syncQuickBooksChanges(deps.sync, companyId, since);
  await deps.connections.mergeSettings(
    companyId,
    "quickbooks",
    { cdcSince: result.nextSince.toISOString() },
    now,
  );
  deps.logger.info({ provider: "quickbooks", companyId, ...result }, "QuickBooks changes synced");
}

export async function runQuickBooksSyncPass(
  deps: QuickBooksSyncPassDeps,
): Promise<{ companies: number; failed: number }> {
  const connected = await deps.connections.listConnected("quickbooks");
  let failed = 0;
  for (const connection of connected) {
    const { companyId } = connection;
    try {
      const now = deps.clock.now();
      const heartbeatDue =
        !connection.lastHeartbeatAt ||
        now.getTime() - connection.lastHeartbeatAt.getTime() >= (deps.heartbeatEveryMs ?? DAY_MS);
      if (heartbeatDue) {
        await deps.heartbeat(companyId);
      }
      await syncQuickBooksCompany(deps, companyId);
    } catch (thrown) {
      failed++;
      const error = toAppError(thrown);
      deps.logger.warn(
        { provider: "quickbooks", companyId, code: error.code, err: error.message },
        "QuickBooks sync failed",
      );
    }
  }
  return { companies: connected.length, failed };
}
