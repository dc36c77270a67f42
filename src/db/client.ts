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
  | {
      kind: "pglite";
      dataDir: string | null;
      /**
       * A dump of a data directory (PGlite's `dumpDataDir`) to start an in-memory database
       * from, instead of creating an empty cluster (initdb takes seconds; tests start each file
       * from one migrated dump).
       */
      loadDataDir?: Blob;
    };

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
  const client =
    target.dataDir !== null
      ? new PGlite(target.dataDir)
      : new PGlite(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {});
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Database;
  return {
    db,
    prepared: pglitePreparedRunner(client),
    target,
    kind: "pglite",
    close: () => client.close(),
  };
}

/**
 * PGlite's `query` sends each statement unnamed, so it is planned on every call; the hot
 * statements are large (a dozen CTEs), and planning them was most of their cost. A statement
 * is PREPAREd once in SQL and then EXECUTEd with its parameters as literals (every parameter
 * is text, cast in the statement: quoting is the only encoding needed), so PGlite keeps its
 * plan as PostgreSQL does for a named statement.
 */
function pglitePreparedRunner(client: PGlite): PreparedRunner {
  // Promises, so two first calls at once prepare the statement once.
  const names = new Map<string, Promise<string>>();
  return async <Row extends Record<string, unknown>>(
    text: string,
    params: readonly StatementParam[],
  ) => {
    let prepared = names.get(text);
    if (prepared === undefined) {
      const name = `duetext_prepared_${names.size + 1}`;
      prepared = client.query(`prepare ${name} as ${text}`).then(() => name);
      names.set(text, prepared);
      // A failed PREPARE is not kept: the next call tries again.
      prepared.catch(() => names.delete(text));
    }
    const name = await prepared;
    const args = params.map((param) =>
      param === null ? "null" : `'${param.replaceAll("'", "''")}'`,
    );
    const sql = args.length === 0 ? `execute ${name}` : `execute ${name}(${args.join(", ")})`;
    return (await client.query<Row>(sql)).rows;
  };
}

export function postgresPreparedRunner(client: postgres.Sql): PreparedRunner {
  return async <Row extends Record<string, unknown>>(
    text: string,
    params: readonly StatementParam[],
  ) => (await client.unsafe(text, [...params], { prepare: true })) as unknown as Row[];
}

export { schema };
