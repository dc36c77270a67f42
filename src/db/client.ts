import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.js";

// The one database factory: PostgreSQL when a URL is given, otherwise embedded PGlite
// (on disk under a directory, or in memory for tests). Both speak real Postgres SQL,
// including row locks and SKIP LOCKED, and run the same migrations.

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema>;
/** Anything queries can run on: the pool or an open transaction. */
export type Queryable = Database | Transaction;

export type DatabaseTarget =
  | { kind: "postgres"; url: string; maxConnections?: number }
  | { kind: "pglite"; dataDir: string | null };

/** A parameter of a prepared statement: text (cast in SQL where another type is meant) or null. */
export type StatementParam = string | null;

/**
 * Runs one statement on its own (autocommit), prepared once per connection and then sent as
 * a single Bind/Execute: for the few hot paths where a round trip is most of the cost.
 * Drizzle sends its queries unprepared, which postgres.js turns into two round trips each.
 */
export type PreparedRunner = <Row extends Record<string, unknown>>(
  text: string,
  params: readonly StatementParam[],
) => Promise<Row[]>;

export interface DatabaseHandle {
  db: Database;
  prepared: PreparedRunner;
  target: DatabaseTarget;
  kind: DatabaseTarget["kind"];
  close(): Promise<void>;
}

export function databaseTarget(config: {
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
}): DatabaseTarget {
  return config.DATABASE_URL
    ? { kind: "postgres", url: config.DATABASE_URL }
    : { kind: "pglite", dataDir: `${config.DATA_DIR.replace(/\/$/, "")}/pglite` };
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    const client = postgres(target.url, {
      max: target.maxConnections ?? 10,
      onnotice: () => {},
    });
    const db = drizzlePostgres({ client, schema }) as unknown as Database;
    return {
      db,
      prepared: postgresPreparedRunner(client),
      target,
      kind: "postgres",
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (target.dataDir !== null) {
    await mkdir(target.dataDir, { recursive: true });
  }
  const client = target.dataDir === null ? new PGlite() : new PGlite(target.dataDir);
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Database;
  return {
    db,
    prepared: async <Row extends Record<string, unknown>>(
      text: string,
      params: readonly StatementParam[],
    ) => (await client.query<Row>(text, [...params])).rows,
    target,
    kind: "pglite",
    close: () => client.close(),
  };
}

export function postgresPreparedRunner(client: postgres.Sql): PreparedRunner {
  return async <Row extends Record<string, unknown>>(
    text: string,
    params: readonly StatementParam[],
  ) => (await client.unsafe(text, [...params], { prepare: true })) as unknown as Row[];
}

export { schema };
