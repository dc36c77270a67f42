import { toAppError } from "../domain/errors.js";
import { applyThreadEvent } from "./apply-thread-event.js";
import { retryDelayMs } from "./backoff.js";
import type { Clock, Logger, PipelineStore } from "./ports.js";

export interface TimerDeps {
  store: PipelineStore;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
}

export interface TimerPassResult {
  fired: number;
  failed: number;
}

/**
 * Fires up to `limit` due timers, each in its own transaction: the timer row and its thread
 * are claimed together with SKIP LOCKED, so any number of schedulers can run at once and a
 * timer is applied exactly once.
 */
export async function fireDueTimers(deps: TimerDeps, limit: number): Promise<TimerPassResult> {
  const result: TimerPassResult = { fired: 0, failed: 0 };
  const failedIds = new Set<string>();
  while (result.fired + result.failed < limit) {
    const now = deps.clock.now();
    let claimedId: string | null = null;
    try {
      const fired = await deps.store.inTransaction(async (uow) => {
        const timer = await uow.claimDueTimer(now);
        if (!timer) {
          return false;
        }
        claimedId = timer.id;
        const thread = await uow.lockThreadById(timer.threadId);
        if (!thread) {
          await uow.markTimerFired(timer.id, now);
          return true;
        }
        // Mark first: the transition may re-schedule the same key, which re-arms this row.
        await uow.markTimerFired(timer.id, now);
        const input = await uow.threadInput({ companyId: thread.companyId, phone: thread.phone });
        await applyThreadEvent(
          uow,
          thread,
          input,
          {
            type: "check.due",
            at: now.toISOString(),
            key: timer.key,
            reminder: null,
            handOff: false,
          },
          { at: now, causationId: timer.id },
        );
        return true;
      });
      if (!fired) {
        break;
      }
      result.fired++;
    } catch (thrown) {
      const error = toAppError(thrown);
      if (claimedId === null || failedIds.has(claimedId)) {
        throw error;
      }
      failedIds.add(claimedId);
      result.failed++;
      const outcome = await deps.store.recordTimerFailure(claimedId, error.message, now, {
        maxAttempts: deps.maxAttempts,
        retryDelayMs,
      });
      deps.logger.error({ timerId: claimedId, err: error.message, outcome }, "timer failed");
    }
  }
  return result;
}
