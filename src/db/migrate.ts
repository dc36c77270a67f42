import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { DatabaseHandle, Schema } from "./client.js";

// Runs the drizzle-kit migrations in `migrations/`, the same files on PGlite and PostgreSQL,
// at start-up and in tests.

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));

// Serialises concurrent start-ups of several instances against one PostgreSQL database.
const MIGRATION_LOCK_KEY = 7_413_004_211;

export async function runMigrations(handle: DatabaseHandle): Promise<void> {
  if (handle.target.kind === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase<Schema>, {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
    return;
  }
  // A session-level advisory lock needs one session: a dedicated single-connection client.
  const client = postgres(handle.target.url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

interface Journal {
  entries: Array<{ idx: number; when: number; tag: string }>;
}

export interface MigrationStatus {
  applied: number;
  known: number;
  latest: string | null;
}

/** Which migrations the database has, by tag, compared with those shipped in `migrations/`. */
export async function migrationStatus(handle: DatabaseHandle): Promise<MigrationStatus> {
  const journal = JSON.parse(
    await readFile(`${MIGRATIONS_FOLDER}/meta/_journal.json`, "utf8"),
  ) as Journal;
  const rows = (await handle.db.execute(
    sql`select created_at from drizzle.__drizzle_migrations order by created_at`,
  )) as unknown as
    | Array<{ created_at: string | number }>
    | { rows: Array<{ created_at: string | number }> };
  const list = Array.isArray(rows) ? rows : rows.rows;
  const appliedTimes = new Set(list.map((row) => Number(row.created_at)));
  const applied = journal.entries.filter((entry) => appliedTimes.has(entry.when));
  return {
    applied: list.length,
    known: journal.entries.length,
    latest: applied.at(-1)?.tag ?? null,
  };
}
