import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "./client.js";
import { migrationStatus } from "./migrate.js";

export async function databaseHealth(handle: DatabaseHandle) {
  try {
    await handle.db.execute(sql`select 1`);
    const migrations = await migrationStatus(handle);
    return {
      ok: migrations.applied === migrations.known,
      database: { ok: true, kind: handle.kind },
      migrations,
    };
  } catch (error) {
    return {
      ok: false,
      database: {
        ok: false,
        kind: handle.kind,
        error: error instanceof Error ? error.message : String(error),
      },
      migrations: null,
    };
  }
}
