import closeWithGrace from "close-with-grace";
import { FileTemplates } from "./adapters/file-templates.js";
import { createLogger } from "./adapters/logger.js";
import { systemClock } from "./adapters/system-clock.js";
import {
  UnconfiguredSmsSender,
  UnconfiguredStaffNotifier,
} from "./adapters/unconfigured-providers.js";
import { ConfigError, loadConfig } from "./config.js";
import { databaseTarget, openDatabase } from "./db/client.js";
import { databaseHealth } from "./db/health.js";
import { runMigrations } from "./db/migrate.js";
import { DrizzleOutboxStore } from "./db/stores/outbox-store.js";
import { DrizzlePipelineStore } from "./db/stores/pipeline-store.js";
import { buildApp } from "./http/build-app.js";
import { startWorkers } from "./workers/start-workers.js";

// The only composition root: configuration, database, adapters, HTTP and workers are built
// here and nowhere else.

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const target = databaseTarget(config);
  const handle = await openDatabase(target);
  await runMigrations(handle);
  logger.info(
    { database: target.kind, location: target.kind === "pglite" ? target.dataDir : "DATABASE_URL" },
    "database ready",
  );

  const inbound = {
    store: new DrizzlePipelineStore(handle.db),
    clock: systemClock,
    logger,
    maxAttempts: config.INBOUND_MAX_ATTEMPTS,
  };
  const dispatch = {
    outbox: new DrizzleOutboxStore(handle.db),
    sms: new UnconfiguredSmsSender(),
    notifier: new UnconfiguredStaffNotifier(),
    templates: new FileTemplates(),
    clock: systemClock,
    logger,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    sendingLeaseMs: config.OUTBOX_SENDING_LEASE_MS,
  };

  const app = await buildApp({ health: () => databaseHealth(handle) }, { logger });
  const workers = config.WORKERS_ENABLED
    ? startWorkers({
        inbound,
        dispatch,
        schedulerIntervalMs: config.SCHEDULER_INTERVAL_MS,
        dispatcherIntervalMs: config.DISPATCHER_INTERVAL_MS,
        batchSize: config.WORKER_BATCH_SIZE,
      })
    : null;

  closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ err, signal }) => {
    if (err) {
      logger.error({ err }, "shutting down after an error");
    } else {
      logger.info({ signal }, "shutting down");
    }
    await app.close();
    await workers?.stop();
    await handle.close();
  });

  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  process.stdout.write(
    `\nduetext is running\n  app:     http://${config.HOST}:${port}\n  health:  http://${config.HOST}:${port}/healthz\n\n`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
