import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { joinStatements, rawStatement, stmt } from "../../../src/db/statement.js";

// The hot paths' SQL template: the same statement as prepared text and as Drizzle SQL.

describe("stmt", () => {
  const rows = joinStatements([stmt`(${"a"}, ${null})`, stmt`(${"b"}, ${"2"})`]);
  const statement = stmt`insert into t (x, y) values ${rows} returning ${rawStatement("id")} -- ${"c"}`;

  it("numbers parameters in order through nested statements", () => {
    expect(statement.render()).toEqual({
      text: "insert into t (x, y) values ($1, $2), ($3, $4) returning id -- $5",
      params: ["a", null, "b", "2", "c"],
    });
  });

  it("renders the same text and parameters through Drizzle", () => {
    const query = new PgDialect().sqlToQuery(statement.toSql());
    expect({ text: query.sql, params: query.params }).toEqual(statement.render());
  });
});
