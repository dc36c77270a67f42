import { z } from "zod";

// The only module that reads process.env. Everything else receives a parsed, frozen Config.

const booleanFromString = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const positiveInt = z.coerce.number().int().positive();

export const configSchema = z.object({
  DATABASE_URL: z
    .url()
    .optional()
    .describe(
      "PostgreSQL connection string (postgres://user:pass@host:5432/db). When unset, an embedded PGlite database is kept under DATA_DIR.",
    ),
  DATA_DIR: z
    .string()
    .min(1)
    .default("./data")
    .describe("Directory for the embedded PGlite database and other local state (sandbox mode)."),
  HOST: z
    .string()
    .min(1)
    .default("127.0.0.1")
    .describe("Interface the HTTP server binds to. Use 0.0.0.0 inside containers."),
  PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(3000)
    .describe("Port of the app: webhooks, pay pages, admin console, /healthz."),
  PUBLIC_BASE_URL: z
    .url()
    .default("http://127.0.0.1:3000")
    .describe(
      "The externally reachable base URL of the app. Pay links are built on it and Twilio signatures are checked against it.",
    ),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info")
    .describe("Minimum level of log lines written to standard output."),
  LOG_PRETTY: booleanFromString
    .default(false)
    .describe("Human-readable colored logs instead of JSON lines (for local development)."),
  WORKERS_ENABLED: booleanFromString
    .default(true)
    .describe(
      "Run the scheduler and outbox dispatcher loops in this process. Any number of instances may run them at once.",
    ),
  SCHEDULER_INTERVAL_MS: positiveInt
    .default(5_000)
    .describe("How often the scheduler looks for due timers and unprocessed inbound events."),
  DISPATCHER_INTERVAL_MS: positiveInt
    .default(1_000)
    .describe("How often the outbox dispatcher looks for effects to run."),
  WORKER_BATCH_SIZE: positiveInt
    .max(1_000)
    .default(50)
    .describe("Most rows one scheduler or dispatcher pass claims at a time."),
  OUTBOX_MAX_ATTEMPTS: positiveInt
    .default(8)
    .describe(
      "Attempts before a retryable outbox effect is given up as failed and surfaced to staff.",
    ),
  OUTBOX_SENDING_LEASE_MS: positiveInt
    .default(120_000)
    .describe(
      "A row still 'sending' after this long is presumed abandoned by a crashed worker and is reconciled with the provider before anything is re-sent.",
    ),
  INBOUND_MAX_ATTEMPTS: positiveInt
    .default(5)
    .describe("Attempts to process a stored inbound event before it is dead-lettered."),
  SANDBOX_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(3001)
    .describe(
      "Port of the sandbox (provider emulators, control API, sandbox console) when providers are not configured.",
    ),
  SANDBOX_START_AT: z.iso
    .datetime({ offset: true })
    .optional()
    .describe(
      "Sandbox only: the instant the shared sandbox clock starts at on a fresh data directory (default: the real time).",
    ),
  SANDBOX_CLOCK: z
    .enum(["frozen", "running"])
    .default("frozen")
    .describe(
      "Sandbox only: 'frozen' moves time only through the control API (deterministic scenarios); 'running' also lets it run at real speed.",
    ),
  TWILIO_ACCOUNT_SID: z
    .string()
    .min(1)
    .optional()
    .describe("Twilio account SID (AC…). Unset: sandbox emulator."),
  TWILIO_AUTH_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe("Twilio auth token; also verifies X-Twilio-Signature on webhooks."),
  TWILIO_MESSAGING_SERVICE_SID: z
    .string()
    .min(1)
    .optional()
    .describe("Twilio Messaging Service (MG…) to send from; else TWILIO_FROM_NUMBER."),
  TWILIO_FROM_NUMBER: z
    .string()
    .min(1)
    .optional()
    .describe("E.164 number to send from when no Messaging Service is set."),
  TWILIO_MESSAGES_PER_SECOND: z.coerce
    .number()
    .positive()
    .default(1)
    .describe(
      "The A2P campaign's throughput in message segments per second (from its registration); halved for ten minutes after error 30022.",
    ),
  TWILIO_DAILY_SEGMENT_CAP: positiveInt
    .default(2_000)
    .describe(
      "The T-Mobile brand daily cap in message segments (from the brand's registration; 2000 for an unvetted brand), reset at midnight America/Los_Angeles.",
    ),
  STRIPE_SECRET_KEY: z
    .string()
    .min(1)
    .optional()
    .describe("Stripe secret key (sk_…). Unset: sandbox emulator."),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe("Stripe webhook signing secret (whsec_…)."),
  SLACK_BOT_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe("Slack bot token (xoxb-…). Unset: sandbox emulator."),
  SLACK_SIGNING_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe("Slack signing secret for interactivity and events."),
  SLACK_CHANNEL_ID: z
    .string()
    .min(1)
    .optional()
    .describe("Slack channel where staff notices are posted."),
  QUICKBOOKS_CLIENT_ID: z
    .string()
    .min(1)
    .optional()
    .describe("Intuit app client id. Unset: sandbox emulator."),
  QUICKBOOKS_CLIENT_SECRET: z.string().min(1).optional().describe("Intuit app client secret."),
  QUICKBOOKS_ENVIRONMENT: z
    .enum(["production", "sandbox"])
    .default("production")
    .describe(
      "Which Intuit environment the real QuickBooks app uses (Intuit's own developer sandbox or production).",
    ),
  QUICKBOOKS_SYNC_INTERVAL_MS: positiveInt
    .default(15 * 60_000)
    .describe(
      "How often QuickBooks Change Data Capture runs as the safety net behind webhooks (and the daily token heartbeat is checked).",
    ),
  QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe("Intuit webhook verifier token (checks intuit-signature)."),
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes, base64 encoded")
    .optional()
    .describe(
      "AES-256-GCM key (32 bytes, base64) for provider tokens at rest; pay-link tokens are also derived from it. Required with real QuickBooks or Twilio; the sandbox generates a development key.",
    ),
  ADMIN_API_TOKEN: z
    .string()
    .min(24, "use at least 24 characters (openssl rand -base64 32)")
    .optional()
    .describe(
      "Bearer token for the admin API (/api/…: review queue, approvals, settings). Unset: the admin API answers requests from this machine only.",
    ),
  REMINDER_BATCH_SIZE: positiveInt
    .default(1000)
    .describe(
      "Ladder checks claimed per scheduler pass; their invoices are re-read from QuickBooks in one query per 1,000.",
    ),
  PAY_PAGE_RATE_LIMIT_PER_MINUTE: positiveInt
    .default(60)
    .describe(
      "Requests per minute one client address may make to the pay pages (/p/…); more get a 429 page. Generous, since carriers put many phones behind one address.",
    ),
  CI: booleanFromString
    .default(false)
    .describe("Set by CI: tests that would be skipped on a bare machine (browser tests) must run."),
  SHUTDOWN_GRACE_MS: positiveInt
    .default(10_000)
    .describe("How long a graceful shutdown waits for in-flight requests and worker passes."),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

export type ProviderName = "quickbooks" | "stripe" | "twilio" | "slack";

/** Which providers are real (credentials present); the others run as sandbox emulators. */
export function realProviders(config: Config): Record<ProviderName, boolean> {
  return {
    quickbooks: Boolean(config.QUICKBOOKS_CLIENT_ID && config.QUICKBOOKS_CLIENT_SECRET),
    stripe: Boolean(config.STRIPE_SECRET_KEY),
    twilio: Boolean(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN),
    slack: Boolean(config.SLACK_BOT_TOKEN),
  };
}

export type Environment = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment; empty strings count as unset so `.env` templates can leave keys blank. */
export function parseConfig(env: Environment): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = configSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  return Object.freeze(result.data);
}

export function loadConfig(overrides: Environment = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}

/** Keys and descriptions, for `.env.example` checks and `duetext config --help` style output. */
export function describeConfig(): Array<{ key: string; description: string }> {
  return Object.entries(configSchema.shape).map(([key, schema]) => ({
    key,
    description: schema.description ?? "",
  }));
}
