import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { databaseTarget, openDatabase } from "../db/client.js";
import { migrationStatus, runMigrations } from "../db/migrate.js";

export function registerMigrateCommand(program: Command): void {
  program
    .command("migrate")
    .description(
      "Apply pending database migrations (DATABASE_URL, or the embedded database under DATA_DIR).",
    )
    .action(async () => {
      const config = loadConfig();
      const handle = await openDatabase(databaseTarget(config));
      try {
        await runMigrations(handle);
        const status = await migrationStatus(handle);
        process.stdout.write(
          `Database (${handle.kind}) is at ${status.latest ?? "no migration"} (${status.applied}/${status.known} applied).\n`,
        );
      } finally {
        await handle.close();
      }
    });
}
