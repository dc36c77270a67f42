import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { databaseHealth } from "../../../src/db/health.js";
import { buildApp } from "../../../src/http/build-app.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.js";

let database: TestDatabase;

/** The newest migration drizzle-kit generated, as its journal names it. */
const LATEST_MIGRATION = (
  JSON.parse(
    readFileSync(new URL("../../../migrations/meta/_journal.json", import.meta.url), "utf8"),
  ) as { entries: Array<{ tag: string }> }
).entries.at(-1)?.tag;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.close();
});

describe("GET /healthz", () => {
  it("runs on the database the environment names (PostgreSQL when DATABASE_URL is set)", () => {
    expect(database.kind).toBe(loadConfig().DATABASE_URL ? "postgres" : "pglite");
  });

  it("reports the database and the migration version", async () => {
    const app = await buildApp({ health: () => databaseHealth(database) }, {});
    const response = await app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: "ok",
      database: { ok: true, kind: database.kind },
      migrations: { latest: LATEST_MIGRATION },
    });
    const body = response.json() as { migrations: { applied: number; known: number } };
    expect(body.migrations.applied).toBe(body.migrations.known);
    await app.close();
  });

  it("answers 503 when the database is unreachable", async () => {
    const broken = await createTestDatabase();
    await broken.db.execute(sql`select 1`);
    await broken.close();
    const app = await buildApp({ health: () => databaseHealth(broken) }, {});
    const response = await app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: "unavailable", database: { ok: false } });
    await app.close();
  });

  it("answers unknown routes with a clear JSON 404", async () => {
    const app = await buildApp({ health: () => databaseHealth(database) }, {});
    const response = await app.inject({ method: "GET", url: "/nope?x=1" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      error: "NOT_FOUND",
      message: "No route for GET /nope",
    });
    await app.close();
  });
});
