import { AppError } from "../domain/errors.js";
import type { Emulator } from "./emulator.js";

export interface SettleDeps {
  emulators: Emulator[];
  /** One scheduler pass and one dispatcher pass; how many rows each handled. */
  passes: Array<() => Promise<{ handled: number }>>;
  maxRounds?: number;
}

/**
 * Runs the workers and waits on the emulators until nothing is left to do: every webhook a
 * change caused has been delivered and processed and the outbox is drained. The sandbox
 * control API returns only after this, which makes scripted scenarios deterministic.
 */
export async function settle(deps: SettleDeps): Promise<number> {
  const maxRounds = deps.maxRounds ?? 100;
  for (let round = 1; round <= maxRounds; round++) {
    await Promise.all(deps.emulators.map((emulator) => emulator.idle()));
    let handled = 0;
    for (const pass of deps.passes) {
      handled += (await pass()).handled;
    }
    await Promise.all(deps.emulators.map((emulator) => emulator.idle()));
    if (handled === 0) {
      return round;
    }
  }
  throw new AppError("INTERNAL", `The sandbox did not settle within ${maxRounds} rounds`);
}
