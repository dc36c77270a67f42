import { describe, expect, it } from "vitest";
import type { Emulator } from "../../../src/sandbox/emulator.js";
import { settle } from "../../../src/sandbox/settle.js";

function emulator(waits: string[]): Emulator {
  return {
    provider: "twilio",
    register: async () => {},
    idle: async () => void waits.push("idle"),
  };
}

describe("settle", () => {
  it("runs the passes until a whole round handles nothing, waiting on emulators around each round", async () => {
    const waits: string[] = [];
    const work = [3, 1, 0];
    const rounds = await settle({
      emulators: [emulator(waits)],
      passes: [async () => ({ handled: work.shift() ?? 0 })],
    });
    expect(rounds).toBe(3);
    expect(waits).toHaveLength(6);
  });

  it("gives up with a clear error when work never stops", async () => {
    await expect(
      settle({ emulators: [], passes: [async () => ({ handled: 1 })], maxRounds: 5 }),
    ).rejects.toThrow(/did not settle within 5 rounds/);
  });
});
