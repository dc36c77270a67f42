import { describe, expect, it } from "vitest";
import { RealmLimiter } from "../../../src/adapters/quickbooks/realm-limiter.js";

describe("RealmLimiter", () => {
  it("never runs more than `concurrent` calls at once for one realm", async () => {
    const limiter = new RealmLimiter(
      { perMinute: 500, concurrent: 2 },
      { now: () => 0, sleep: async () => {} },
    );
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    let running = 0;
    const releases: Array<() => void> = [];
    const calls = Array.from({ length: 5 }, () =>
      limiter.run("realm-1", async () => {
        running += 1;
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
      }),
    );
    await tick();
    expect(running).toBe(2);
    releases.shift()?.();
    await tick();
    // One finished, the next queued call took its place.
    expect(running).toBe(2);
    while (running > 0) {
      releases.shift()?.();
      await tick();
      expect(running).toBeLessThanOrEqual(2);
    }
    await Promise.all(calls);
  });

  it("waits for the minute window once the per-minute budget is spent", async () => {
    let now = 0;
    const slept: number[] = [];
    const limiter = new RealmLimiter(
      { perMinute: 3, concurrent: 10 },
      {
        now: () => now,
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      },
    );
    for (let index = 0; index < 4; index += 1) {
      await limiter.run("realm-1", async () => {
        now += 10;
      });
    }
    // The fourth call waited until the first one left the 60 s window.
    expect(slept).toEqual([60_000 - 30]);
    // Another realm has its own budget.
    await limiter.run("realm-2", async () => {});
    expect(slept).toHaveLength(1);
  });
});
