import type { Command } from "commander";
import pino from "pino";
import { systemClock } from "../adapters/system-clock.js";
import { importFromQuickBooks } from "../app/quickbooks-import.js";
import { loadConfig, realProviders } from "../config.js";
import { databaseTarget, openDatabase } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { DrizzleProviderConnectionStore } from "../db/stores/provider-connection-store.js";
import { quickbooksServices } from "../main.js";
import { ProgressBar } from "./progress-bar.js";

export function registerSyncCommand(program: Command): void {
  program
    .command("sync")
    .description(
      "Import customers and open invoices from QuickBooks for every connected company (or one), with a progress bar. Safe to repeat: records are updated in place.",
    )
    .option("--company <id>", "only this company")
    .action(async (options: { company?: string }) => {
      const config = loadConfig();
      if (!realProviders(config).quickbooks) {
        process.stderr.write(
          "QuickBooks is not configured (QUICKBOOKS_CLIENT_ID and QUICKBOOKS_CLIENT_SECRET), so it runs as the sandbox emulator, which imports its demo company when `npm start` starts.\n" +
            "`duetext sync` imports from real QuickBooks connections.\n",
        );
        process.exitCode = 1;
        return;
      }
      const logger = pino({ level: config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL });
      const handle = await openDatabase(databaseTarget(config));
      try {
        await runMigrations(handle);
        const services = await quickbooksServices(config, handle, systemClock, logger, {
          sandboxUrl: null,
          redirectBaseUrl: config.PUBLIC_BASE_URL,
        });
        const companyIds = options.company
          ? [options.company]
          : (await new DrizzleProviderConnectionStore(handle.db).listConnected("quickbooks")).map(
              (connection) => connection.companyId,
            );
        if (companyIds.length === 0) {
          process.stderr.write(
            `No company is connected to QuickBooks yet. Connect one at ${config.PUBLIC_BASE_URL}/connect/quickbooks?company=<company id>.\n`,
          );
          process.exitCode = 1;
          return;
        }
        for (const companyId of companyIds) {
          process.stderr.write(`Importing ${companyId} from QuickBooks\n`);
          const bar = new ProgressBar(process.stderr);
          const summary = await importFromQuickBooks(
            { source: services.reader, store: services.importStore, logger },
            companyId,
            (progress) => bar.update(progress.phase, progress.done, progress.total),
          );
          bar.finish(
            `Imported ${summary.customers} customers and ${summary.invoices} open invoices.`,
          );
        }
      } finally {
        await handle.close();
      }
    });
}
