import type { ThreadInput } from "../../machines/thread.context.js";
import { type ThreadEffect, toEffects } from "../../machines/thread.effects.js";
import type { ThreadEvent } from "../../machines/thread.events.js";
import { TIMER_KEYS } from "../../machines/thread.machine.js";
import { stepThread } from "../../machines/thread.step.js";
import {
  persistThread,
  restoreThread,
  THREAD_MACHINE_VERSION,
  topLevelState,
} from "../../machines/thread.versions.js";
import { AppError } from "../domain/errors.js";
import type {
  EffectContext,
  InboundTextRecord,
  LockedThread,
  PipelineUnitOfWork,
  ThreadSave,
} from "./ports.js";

export interface AppliedEvent {
  threadId: string;
  state: string;
  version: number;
  effects: ThreadEffect[];
}

/** What one event does to a thread: the snapshot to save and the effects to persist with it. */
export interface ThreadStep {
  save: ThreadSave;
  effects: ThreadEffect[];
}

/**
 * The pure part of applying an event: restore the snapshot, transition, collect the effects.
 * Nothing is written; the caller persists `save` and `effects` together.
 */
export function advanceThread(
  thread: LockedThread,
  input: ThreadInput,
  event: ThreadEvent,
  at: Date,
): ThreadStep {
  const current = restoreThread(thread.snapshot, thread.machineVersion, input);
  const [next, actions] = stepThread(current, event);
  if (next.status === "error") {
    throw new AppError("INTERNAL", `Thread machine failed on ${event.type}`, {
      retryable: false,
      cause: next.error,
      context: { threadId: thread.id },
    });
  }
  const effects = toEffects(actions);
  const state = topLevelState(next);
  if (state === "active" && topLevelState(current) !== "active") {
    // The bot owns the thread again (a promise lapsed, staff released it, START, a new
    // invoice reopened it): the ladder resumes with a check now.
    effects.push({
      type: "scheduleTimer",
      params: { key: TIMER_KEYS.reminder, at: at.toISOString() },
    });
  }
  return {
    save: {
      snapshot: persistThread(next),
      state,
      machineVersion: THREAD_MACHINE_VERSION,
      version: thread.version + 1,
    },
    effects,
  };
}

/**
 * The heart of the pipeline, called inside the event's transaction with the thread row
 * locked: restore, pure transition, then persist snapshot and effects together.
 */
export async function applyThreadEvent(
  uow: PipelineUnitOfWork,
  thread: LockedThread,
  input: ThreadInput,
  event: ThreadEvent,
  context: EffectContext,
  /** The customer's text the event carries, recorded with the change. */
  message?: InboundTextRecord,
): Promise<AppliedEvent> {
  const step = advanceThread(thread, input, event, context.at);
  await uow.commitThread(thread, step, context, message);
  return {
    threadId: thread.id,
    state: step.save.state,
    version: step.save.version,
    effects: step.effects,
  };
}
