import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import postgres from "postgres";
import { inject } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type DatabaseHandle, openDatabase } from "../../src/db/client.js";
import { runMigrations } from "../../src/db/migrate.js";

// Each test file gets its own database, migrated by the production migrator: in-memory
// PGlite by default, or a fresh database on the PostgreSQL server named by DATABASE_URL
// (created here, dropped on close). PGlite starts from the migrated dump the global setup
// made (pglite-template.ts); the migrator then finds nothing to do, unless the dump is
// missing (a file run outside that setup), when it migrates an empty cluster.

export interface TestDatabase extends DatabaseHandle {
  /** Human-readable, for test titles: "pglite" or "postgres". */
  label: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = loadConfig().DATABASE_URL;
  if (!serverUrl) {
    const template = inject("pgliteTemplate");
    const handle = await openDatabase({
      kind: "pglite",
      dataDir: null,
      ...(template ? { loadDataDir: new Blob([await readFile(template)]) } : {}),
    });
    await runMigrations(handle);
    return { ...handle, label: "pglite" };
  }
  const name = `duetext_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: "postgres", url: url.toString(), maxConnections: 10 });
  await runMigrations(handle);
  return {
    ...handle,
    label: "postgres",
    async close() {
      await handle.close();
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
