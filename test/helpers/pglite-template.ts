import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";
import { runMigrations } from "../../src/db/migrate.js";

// Vitest global setup: creating an embedded PGlite cluster costs about two seconds (its
// initdb), once per test file. Instead one cluster is created and migrated here, by the
// production migrator, and dumped; each file's database starts from that dump (half a
// second). Not used when DATABASE_URL names a PostgreSQL server.

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of the migrated PGlite data directory dump, or null on PostgreSQL. */
    pgliteTemplate: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (loadConfig().DATABASE_URL) {
    project.provide("pgliteTemplate", null);
    return async () => {};
  }
  const dir = await mkdtemp(join(tmpdir(), "duetext-pglite-template-"));
  const path = join(dir, "migrated.tar");
  const handle = await openDatabase({ kind: "pglite", dataDir: null });
  try {
    await runMigrations(handle);
    // Drizzle's documented handle on the driver it wraps.
    const { $client } = handle.db as unknown as { $client: PGlite };
    const dump = await $client.dumpDataDir("none");
    await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await handle.close();
  }
  project.provide("pgliteTemplate", path);
  return () => rm(dir, { recursive: true, force: true });
}
