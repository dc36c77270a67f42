import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../../src/db/client.js";

// The hot statements' runner on PGlite prepares in SQL and executes with its parameters
// quoted into the EXECUTE: whatever a customer writes must come back byte for byte, and two
// first calls of one statement at once must prepare it once.

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await openDatabase({ kind: "pglite", dataDir: null });
});

afterAll(async () => {
  await handle?.close();
});

describe("PGlite's prepared runner", () => {
  it("returns every parameter as sent: quotes, backslashes, accents, emoji, JSON, null", async () => {
    const texts = [
      "I'll pay Friday",
      "it''s 'quoted' \\ and \\' backslashed",
      "ya pagué ñ 🙏 $1 $2",
      JSON.stringify({ body: 'O\'Brien said "hi"\n', n: 1 }),
      "'); drop table x; --",
    ];
    for (const text of texts) {
      const rows = await handle.prepared<{ value: string | null; none: string | null }>(
        "select $1::text as value, $2::text as none",
        [text, null],
      );
      expect(rows).toEqual([{ value: text, none: null }]);
    }
  });

  it("prepares a statement once when two first calls come together", async () => {
    const text = "select $1::text || '!' as shout";
    const [first, second] = await Promise.all([
      handle.prepared<{ shout: string }>(text, ["a"]),
      handle.prepared<{ shout: string }>(text, ["b"]),
    ]);
    expect([first, second]).toEqual([[{ shout: "a!" }], [{ shout: "b!" }]]);
  });
});
