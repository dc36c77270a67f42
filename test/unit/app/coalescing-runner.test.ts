import { describe, expect, it } from "vitest";
import { CoalescingRunner } from "../../../src/app/coalescing-runner.js";

describe("CoalescingRunner", () => {
  it("folds a burst of triggers into the running run plus one follow-up, per key", async () => {
    const runs: string[] = [];
    let release: () => void = () => {};
    let gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runner = new CoalescingRunner(async (key) => {
      runs.push(key);
      await gate;
    });
    const first = runner.trigger("a");
    const burst = Array.from({ length: 59 }, () => runner.trigger("a"));
    const other = runner.trigger("b");
    expect(runs).toEqual(["a", "b"]);
    const releaseFirst = release;
    gate = Promise.resolve();
    releaseFirst();
    await Promise.all([first, ...burst, other]);
    expect(runs).toEqual(["a", "b", "a"]);
  });

  it("lets a failure reach the callers and runs again on the next trigger", async () => {
    let calls = 0;
    const runner = new CoalescingRunner(async () => {
      calls++;
      if (calls === 1) {
        throw new Error("QuickBooks is down");
      }
    });
    await expect(runner.trigger("a")).rejects.toThrow("QuickBooks is down");
    await runner.trigger("a");
    expect(calls).toBe(2);
  });
});
