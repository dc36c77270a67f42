import { describe, expect, it } from "vitest";
import {
  matches,
  parseQuery,
  QueryError,
} from "../../../src/sandbox/emulators/quickbooks/query-language.js";

describe("QuickBooks query language (emulator)", () => {
  it("parses what node-quickbooks sends, case-insensitively", () => {
    expect(
      parseQuery(
        "select * from invoice where Balance > '0' and Id IN ('1','2') startposition 1 maxresults 50",
      ),
    ).toEqual({
      count: false,
      entity: "invoice",
      conditions: [
        { property: "Balance", operator: ">", values: ["0"] },
        { property: "Id", operator: "IN", values: ["1", "2"] },
      ],
      orderBy: null,
      startPosition: 1,
      maxResults: 50,
    });
    expect(parseQuery("SELECT COUNT(*) FROM Invoice").count).toBe(true);
    expect(parseQuery("SELECT * FROM Invoice").maxResults).toBe(100);
  });

  it("unescapes \\' inside values", () => {
    expect(
      parseQuery("select * from Customer where DisplayName = 'O\\'Neil#1'").conditions,
    ).toEqual([{ property: "DisplayName", operator: "=", values: ["O'Neil#1"] }]);
  });

  it("rejects what the service rejects: OR, projections, MAXRESULTS over 1000, Id ranges", () => {
    expect(() => parseQuery("select * from Invoice where Balance > '0' or Id = '1'")).toThrow(
      QueryError,
    );
    expect(() => parseQuery("select Id from Invoice")).toThrow(QueryError);
    expect(() => parseQuery("select * from Invoice maxresults 1001")).toThrow(QueryError);
    expect(() => parseQuery("select * from Invoice where Id > '5'")).toThrow(/not supported on Id/);
  });

  it("matches dotted properties, references, dates, LIKE", () => {
    const invoice = {
      Id: "7",
      Balance: 12.5,
      CustomerRef: { value: "3", name: "Ana" },
      MetaData: { LastUpdatedTime: "2026-11-20T10:00:00-07:00" },
      DocNumber: "INV-1001",
    };
    const where = (text: string) => parseQuery(`select * from Invoice where ${text}`).conditions[0];
    const check = (text: string) => {
      const condition = where(text);
      if (!condition) {
        throw new Error("no condition");
      }
      return matches(invoice, condition);
    };
    expect(check("Balance > '0'")).toBe(true);
    expect(check("Balance <= '12'")).toBe(false);
    expect(check("CustomerRef = '3'")).toBe(true);
    expect(check("MetaData.LastUpdatedTime > '2026-11-20T16:59:00Z'")).toBe(true);
    expect(check("MetaData.LastUpdatedTime > '2026-11-20T17:00:00Z'")).toBe(false);
    expect(check("DocNumber LIKE 'INV-%'")).toBe(true);
    expect(check("Id IN ('1','7')")).toBe(true);
  });
});
