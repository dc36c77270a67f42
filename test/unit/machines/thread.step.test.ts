import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { toEffects } from "../../../machines/thread.effects.js";
import { threadMachine } from "../../../machines/thread.machine.js";
import { stepThread } from "../../../machines/thread.step.js";
import {
  persistThread,
  restoreThread,
  type ThreadSnapshot,
} from "../../../machines/thread.versions.js";
import { EVENT_ALPHABET, INPUT, serializeThreadState } from "./thread-events.fixture.js";

// stepThread (one reused actor scope) must be indistinguishable from xstate's transition()
// (a fresh scope per call): same next snapshot, same declared effects, from every state the
// event alphabet reaches, for every event.

describe("stepThread", () => {
  it("matches xstate's transition() on every reachable state and event", () => {
    const start = restoreThread(null, 0, INPUT);
    const seen = new Set<string>([serializeThreadState(start)]);
    const queue: ThreadSnapshot[] = [start];
    let compared = 0;
    while (queue.length > 0) {
      const snapshot = queue.shift() as ThreadSnapshot;
      for (const event of EVENT_ALPHABET) {
        const [expected, expectedActions] = transition(threadMachine, snapshot, event);
        const [actual, actualActions] = stepThread(snapshot, event);
        expect(persistThread(actual)).toEqual(persistThread(expected));
        expect(toEffects(actualActions)).toEqual(toEffects(expectedActions));
        compared += 1;
        const key = serializeThreadState(expected);
        if (!seen.has(key) && seen.size < 400) {
          seen.add(key);
          queue.push(expected);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(compared).toBe(seen.size * EVENT_ALPHABET.length);
  });

  it("returns only the actions of its own step", () => {
    const start = restoreThread(null, 0, INPUT);
    const help = EVENT_ALPHABET.find(
      (event) => event.type === "sms.received" && event.intent === "HELP",
    );
    if (!help) {
      throw new Error("the fixture has a HELP reply");
    }
    const [, first] = stepThread(start, help);
    const [, second] = stepThread(start, help);
    expect(toEffects(second)).toEqual(toEffects(first));
    expect(toEffects(first).length).toBeGreaterThan(0);
  });
});
