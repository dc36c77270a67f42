import {
  type ActorScope,
  createActor,
  type EventFromLogic,
  type ExecutableActionObject,
} from "xstate";
import type { ThreadInput } from "./thread.context.js";
import { type ThreadMachine, threadMachine } from "./thread.machine.js";
import type { ThreadSnapshot } from "./thread.versions.js";

// One pure step of the thread machine: the next snapshot and the actions it declared, as
// xstate's `transition()` returns them. `transition()` builds a throwaway actor per call,
// whose constructor computes a whole initial snapshot (without input); on the inbound path
// that was most of the machine's cost. Here the actor scope is built once and only collects
// the declared actions, which are returned as data; nothing is executed. Steps are
// synchronous, so the one collector is never shared between two of them.

let collected: ExecutableActionObject[] = [];
let scope: ActorScope<ThreadSnapshot, EventFromLogic<ThreadMachine>> | null = null;

/** Only seeds the scope's own actor (never transitioned); any valid input does. */
const SCOPE_INPUT: ThreadInput = { companyId: "", phone: "", timeZone: "UTC" };

function actorScope(): ActorScope<ThreadSnapshot, EventFromLogic<ThreadMachine>> {
  if (scope === null) {
    const self = createActor(threadMachine, { input: SCOPE_INPUT });
    scope = {
      self,
      id: "",
      sessionId: "",
      logger: () => {},
      defer: () => {},
      emit: () => {},
      system: self.system,
      stopChild: () => {},
      actionExecutor: (action) => {
        collected.push(action);
      },
    };
  }
  return scope;
}

export function stepThread(
  snapshot: ThreadSnapshot,
  event: EventFromLogic<ThreadMachine>,
): [ThreadSnapshot, ExecutableActionObject[]] {
  const runScope = actorScope();
  collected = [];
  const next = threadMachine.transition(snapshot, event, runScope);
  const actions = collected;
  collected = [];
  return [next, actions];
}
