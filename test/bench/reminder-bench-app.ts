import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import pino, { type Logger as PinoLogger } from "pino";
import postgres from "postgres";
import { FileTemplates } from "../../src/adapters/file-templates.js";
import { SlackStaffNotifier } from "../../src/adapters/slack/slack-staff-notifier.js";
import { TwilioLineTypeLookup } from "../../src/adapters/twilio/twilio-line-type-lookup.js";
import { TwilioSmsSender } from "../../src/adapters/twilio/twilio-sms-sender.js";
import type { DispatchDeps } from "../../src/app/dispatch-outbox.js";
import type { ReminderStore } from "../../src/app/reminder-port.js";
import type { ReminderPassDeps } from "../../src/app/run-reminder-pass.js";
import { loadConfig, parseConfig } from "../../src/config.js";
import { type DatabaseHandle, openDatabase } from "../../src/db/client.js";
import { runMigrations } from "../../src/db/migrate.js";
import { DrizzleOutboxStore } from "../../src/db/stores/outbox-store.js";
import { DrizzlePipelineStore } from "../../src/db/stores/pipeline-store.js";
import { DrizzleReminderStore } from "../../src/db/stores/reminder-store.js";
import { type RunningDuetext, startDuetext } from "../../src/main.js";
import { SANDBOX_CREDENTIALS, type Sandbox } from "../../src/sandbox/sandbox-server.js";
import { BenchQuickBooksCompany } from "./bench-quickbooks-company.js";

// The product as `npm start` builds it with every provider emulated (startDuetext), on a
// database of the benchmark's own, with the reminder pass and the dispatcher composed from
// the running app's own services exactly as src/main.ts composes them. Requests reaching the
// emulators are counted at the sandbox's HTTP server.

export type EngineLabel = "pglite" | "postgres";

/** The PostgreSQL server benchmarks create their databases on (DATABASE_URL, else local). */
export function postgresServerUrl(): string {
  return loadConfig().DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
}

/** Null when the server answers; else why not (the Postgres figures are then skipped). */
export async function postgresUnavailable(): Promise<string | null> {
  const admin = postgres(postgresServerUrl(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await admin`select 1`;
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await admin.end({ timeout: 1 });
  }
}

let databases = 0;

/**
 * A fresh, migrated database: in-memory PGlite, or `duetext_bench_<pid>_<n>` dropped on
 * close. Closing twice is harmless (the app's stop() closes the handle it was given).
 */
export async function openBenchDatabase(engine: EngineLabel): Promise<DatabaseHandle> {
  if (engine === "pglite") {
    const handle = await openDatabase({ kind: "pglite", dataDir: null });
    await runMigrations(handle);
    return closingOnce(handle, async () => {});
  }
  const serverUrl = postgresServerUrl();
  databases += 1;
  const name = `duetext_bench_${process.pid}_${databases}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: "postgres", url: url.toString(), maxConnections: 10 });
  await runMigrations(handle);
  return closingOnce(handle, async () => {
    const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await dropper.unsafe(`drop database if exists ${name} with (force)`);
    await dropper.end();
  });
}

function closingOnce(handle: DatabaseHandle, afterClose: () => Promise<void>): DatabaseHandle {
  let closing: Promise<void> | null = null;
  return {
    ...handle,
    close() {
      closing ??= handle.close().then(afterClose);
      return closing;
    },
  };
}

export interface EmulatorCalls {
  /** QuickBooks v3 API requests (the emulator's own log) plus OAuth token requests. */
  quickbooks: number;
  /** Requests to the Stripe emulator's /v1 API. */
  stripe: number;
  /** Requests to the Twilio emulator's REST API. */
  twilio: number;
}

export interface BenchApp {
  running: RunningDuetext;
  /** Set when the control API's reset failed after emptying the company (its settle pass). */
  resetFailure: string | null;
  database: DatabaseHandle;
  companyId: string;
  quickbooksCompany: BenchQuickBooksCompany;
  calls(): EmulatorCalls;
  /** A fresh pass (arming watermark null, as on start-up) over a guarded reminder store. */
  passDeps(batchSize: number): ReminderPassDeps & { reminders: ArmingGuard };
  dispatchDeps(): DispatchDeps;
  stop(): Promise<void>;
}

/** Starts the sandboxed app on `database`, empties its company and swaps in the bench company. */
export async function startBenchApp(database: DatabaseHandle, startAt: string): Promise<BenchApp> {
  const logger = pino({ level: "silent" });
  const config = parseConfig({
    PORT: "0",
    SANDBOX_PORT: "0",
    SANDBOX_START_AT: startAt,
    WORKERS_ENABLED: "false",
    LOG_LEVEL: "silent",
    // Kept in memory: the sandbox would otherwise write a development key under DATA_DIR.
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  });
  const running = await startDuetext(config, { database, logger });
  const sandbox = running.sandbox;
  if (!sandbox) {
    await running.stop();
    throw new Error("expected the sandbox to run with no provider credentials");
  }
  try {
    // An empty company, connected to the emulated QuickBooks (as the control API's reset does).
    const reset = await fetch(`${sandbox.url}/_sandbox/reset`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const resetFailure = reset.ok ? null : `HTTP ${reset.status}: ${await reset.text()}`;
    const companyId = await emptyConnectedCompany(database);
    if (companyId === null) {
      throw new Error(
        `the sandbox reset did not leave one empty, connected company (${resetFailure})`,
      );
    }
    const quickbooksCompany = new BenchQuickBooksCompany(running.clock);
    sandbox.emulators.quickbooks.company = quickbooksCompany;
    quickbooksCompany.narrowQueriesOn(sandbox.server.server);
    const counted = countRequests(sandbox);
    return {
      running,
      resetFailure,
      database,
      companyId,
      quickbooksCompany,
      calls: () => ({
        quickbooks: sandbox.emulators.quickbooks.requests.length + counted.quickbooksTokens,
        stripe: counted.stripe,
        twilio: counted.twilio,
      }),
      passDeps: (batchSize) => ({
        reminders: new ArmingGuard(new DrizzleReminderStore(database.db)),
        pipeline: new DrizzlePipelineStore(database.db),
        accounting: running.quickbooks.accounting,
        catchUpPayments: running.payments.catchUp,
        clock: running.clock,
        logger,
        batchSize,
        leaseMs: config.OUTBOX_SENDING_LEASE_MS,
        arming: { watermark: null },
      }),
      dispatchDeps: () => dispatchDeps(running, sandbox, database, logger, config),
      stop: () => running.stop(),
    };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/**
 * The reminder store as is, except that a failing arming scan is recorded instead of failing
 * the pass: the benchmark's threads are armed by the seed, so the rest of the pass can still
 * be measured, and the failure is printed with the figures.
 */
export class ArmingGuard implements ReminderStore {
  armingFailure: string | null = null;

  constructor(private readonly store: ReminderStore) {}

  claimDue(...args: Parameters<ReminderStore["claimDue"]>) {
    return this.store.claimDue(...args);
  }

  loadFacts(...args: Parameters<ReminderStore["loadFacts"]>) {
    return this.store.loadFacts(...args);
  }

  refreshInvoices(...args: Parameters<ReminderStore["refreshInvoices"]>) {
    return this.store.refreshInvoices(...args);
  }

  rescheduleTimer(...args: Parameters<ReminderStore["rescheduleTimer"]>) {
    return this.store.rescheduleTimer(...args);
  }

  lapseHeldReminders(...args: Parameters<ReminderStore["lapseHeldReminders"]>) {
    return this.store.lapseHeldReminders(...args);
  }

  async armReminderTimers(now: Date, changedSince: Date | null) {
    try {
      return await this.store.armReminderTimers(now, changedSince);
    } catch (error) {
      this.armingFailure = causeOf(error);
      return { armed: 0, watermark: changedSince ?? now };
    }
  }
}

/** The innermost message: drizzle wraps the driver's error as "Failed query: …". */
export function causeOf(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause !== undefined) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}

/** The sandbox's one company when it holds no customers and is connected to QuickBooks. */
async function emptyConnectedCompany(database: DatabaseHandle): Promise<string | null> {
  const companies = rowsOf(await database.db.execute(sql`select id from companies`));
  const customers = rowsOf(
    await database.db.execute(sql`select count(*)::int as n from customers`),
  );
  const connected = rowsOf(
    await database.db.execute(
      sql`select count(*)::int as n from provider_connections where status = 'connected'`,
    ),
  );
  const [company] = companies;
  return companies.length === 1 &&
    company !== undefined &&
    Number(customers[0]?.n) === 0 &&
    Number(connected[0]?.n) === 1
    ? String(company.id)
    : null;
}

/** As src/main.ts builds the dispatcher for emulated Twilio and Slack. */
function dispatchDeps(
  running: RunningDuetext,
  sandbox: Sandbox,
  database: DatabaseHandle,
  logger: PinoLogger,
  config: ReturnType<typeof parseConfig>,
): DispatchDeps {
  const twilio = {
    accountSid: SANDBOX_CREDENTIALS.twilio.accountSid,
    authToken: SANDBOX_CREDENTIALS.twilio.authToken,
    baseUrl: sandbox.url,
  };
  return {
    outbox: new DrizzleOutboxStore(database.db),
    sms: new TwilioSmsSender({
      ...twilio,
      from: SANDBOX_CREDENTIALS.twilio.businessNumber,
      statusCallbackUrl: `${running.appUrl}/webhooks/twilio/status`,
    }),
    notifier: new SlackStaffNotifier({
      botToken: SANDBOX_CREDENTIALS.slack.botToken,
      channelId: SANDBOX_CREDENTIALS.slack.channelId,
      slackApiUrl: `${sandbox.url}/api/`,
      logger,
    }),
    templates: new FileTemplates(),
    lineTypes: new TwilioLineTypeLookup(twilio),
    throttle: null,
    payLinks: {
      issue: (input) => running.payments.issuePayLink({ ...input, purpose: "pay" }),
    },
    clock: running.clock,
    logger,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    sendingLeaseMs: config.OUTBOX_SENDING_LEASE_MS,
  };
}

function countRequests(sandbox: Sandbox) {
  const counted = { quickbooksTokens: 0, stripe: 0, twilio: 0 };
  sandbox.server.server.prependListener("request", (request) => {
    const url = request.url ?? "";
    if (url.startsWith("/v1/")) {
      counted.stripe += 1;
    } else if (url.startsWith("/oauth2/v1/tokens")) {
      counted.quickbooksTokens += 1;
    } else if (url.startsWith("/2010-04-01/") || url.startsWith("/v2/PhoneNumbers")) {
      counted.twilio += 1;
    }
  });
  return counted;
}

export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(result)) {
    return result as Array<Record<string, unknown>>;
  }
  return (result as { rows?: Array<Record<string, unknown>> }).rows ?? [];
}
