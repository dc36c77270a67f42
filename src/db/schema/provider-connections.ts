import { jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, timestamptz, updatedAt } from "./columns.js";
import { companies } from "./companies.js";

export const providerConnections = pgTable(
  "provider_connections",
  {
    id: id("providerConnection"),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    provider: text("provider", { enum: ["quickbooks", "stripe", "twilio", "slack"] }).notNull(),
    /** QuickBooks realm id, Stripe account id, Twilio account SID, Slack team id. */
    externalAccountId: text("external_account_id"),
    status: text("status", { enum: ["connected", "reconnect_needed", "disconnected"] })
      .notNull()
      .default("connected"),
    /** AES-256-GCM ciphertext of the token bundle; never stored in clear. */
    encryptedTokens: text("encrypted_tokens"),
    accessTokenExpiresAt: timestamptz("access_token_expires_at"),
    refreshTokenExpiresAt: timestamptz("refresh_token_expires_at"),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    lastHeartbeatAt: timestamptz("last_heartbeat_at"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("provider_connections_company_provider_key").on(table.companyId, table.provider),
  ],
);
