import { describe, expect, it } from "vitest";
import { StatementBatcher } from "../../../src/db/statement-batcher.js";

// The batcher's rules: items submitted in one turn of the event loop leave together at its
// end while a slot is free; items that arrive while every slot is busy leave together when
// one frees; one key per batch; a failed batch is retried item by item, so only the bad
// item's caller sees the error.

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A batch runner whose batches finish when the test says so. */
function gatedRunner(fail?: (item: string) => boolean) {
  const batches: string[][] = [];
  const release: Array<() => void> = [];
  const run = async (items: string[]) => {
    batches.push(items);
    await new Promise<void>((resolve) => release.push(resolve));
    if (fail && items.some(fail)) {
      throw new Error(`batch with ${items.filter(fail).join()} failed`);
    }
    return items.map((item) => item.toUpperCase());
  };
  const releaseAll = async () => {
    while (release.length > 0) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batches, run, releaseAll };
}

describe("StatementBatcher", () => {
  it("sends one turn's items together at its end, then what waited as one batch, answers each its own", async () => {
    const runner = gatedRunner();
    const batcher = new StatementBatcher(runner.run, { maxInFlight: 2, maxBatch: 10 });
    const first = ["a", "b"].map((item) => batcher.submit(item));
    expect(runner.batches).toEqual([]);
    await endOfTurn();
    expect(runner.batches).toEqual([["a", "b"]]);
    const second = batcher.submit("c");
    await endOfTurn();
    const waited = ["d", "e"].map((item) => batcher.submit(item));
    await endOfTurn();
    // Both slots busy: d and e wait for one to free.
    expect(runner.batches).toEqual([["a", "b"], ["c"]]);
    await runner.releaseAll();
    expect(await Promise.all([...first, second, ...waited])).toEqual(["A", "B", "C", "D", "E"]);
    expect(runner.batches).toEqual([["a", "b"], ["c"], ["d", "e"]]);
  });

  it("keeps items with the same key apart and a batch within its size", async () => {
    const runner = gatedRunner();
    const batcher = new StatementBatcher(runner.run, {
      maxInFlight: 1,
      maxBatch: 3,
      keyOf: (item: string) => item.slice(0, 1),
    });
    const answers = ["x1", "a1", "a2", "b1", "c1"].map((item) => batcher.submit(item));
    await endOfTurn();
    await runner.releaseAll();
    await Promise.all(answers);
    expect(runner.batches).toEqual([
      ["x1", "a1", "b1"],
      ["a2", "c1"],
    ]);
  });

  it("retries a failed batch item by item: only the bad item's caller gets the error", async () => {
    const runner = gatedRunner((item) => item === "bad");
    const batcher = new StatementBatcher(runner.run, { maxInFlight: 1, maxBatch: 10 });
    const settle = (item: string) =>
      batcher.submit(item).then(
        (value) => ({ value }),
        (error: Error) => ({ error: error.message }),
      );
    const first = settle("first");
    await endOfTurn();
    const answers = [first, ...["ok1", "bad", "ok2"].map(settle)];
    await runner.releaseAll();
    await runner.releaseAll();
    expect(await Promise.all(answers)).toEqual([
      { value: "FIRST" },
      { value: "OK1" },
      { error: "batch with bad failed" },
      { value: "OK2" },
    ]);
    expect(runner.batches).toEqual([["first"], ["ok1", "bad", "ok2"], ["ok1"], ["bad"], ["ok2"]]);
  });
});
