import { type DispatchDeps, dispatchOutbox } from "../app/dispatch-outbox.js";
import { fireDueTimers } from "../app/fire-due-timers.js";
import { type InboundDeps, processInboundEvent } from "../app/process-inbound-event.js";
import { type ReminderPassDeps, runReminderPass } from "../app/run-reminder-pass.js";
import { startWorkerLoop, type WorkerLoop } from "./worker-loop.js";

export interface WorkerDeps {
  inbound: InboundDeps;
  dispatch: DispatchDeps;
  schedulerIntervalMs: number;
  dispatcherIntervalMs: number;
  batchSize: number;
  /** The ladder: due reminder checks, each behind a pre-send check of QuickBooks and Stripe. */
  reminders?: ReminderPassDeps;
  /** Periodic QuickBooks Change Data Capture and token heartbeat, when QuickBooks is in use. */
  quickbooksSync?: { intervalMs: number; run(): Promise<unknown> };
}

/**
 * One scheduler pass: inbound events that were stored but not processed (a crash between
 * storing and processing, or a retry after a failure), then due timers, then the ladder.
 */
export async function schedulerPass(deps: WorkerDeps): Promise<{ handled: number; full: boolean }> {
  const { inbound, batchSize } = deps;
  const pending = await inbound.store.pendingInboundIds(inbound.clock.now(), batchSize);
  for (const id of pending) {
    await processInboundEvent(inbound, id);
  }
  const timers = await fireDueTimers(inbound, batchSize);
  const reminders = deps.reminders ? await runReminderPass(deps.reminders) : null;
  return {
    handled: pending.length + timers.fired + timers.failed + (reminders?.claimed ?? 0),
    full:
      pending.length === batchSize ||
      timers.fired + timers.failed === batchSize ||
      (reminders?.claimed ?? 0) === (deps.reminders?.batchSize ?? -1),
  };
}

export async function dispatcherPass(
  deps: WorkerDeps,
): Promise<{ handled: number; full: boolean }> {
  const result = await dispatchOutbox(deps.dispatch, deps.batchSize);
  const handled = result.sent + result.retried + result.failed + result.reconciled;
  return { handled, full: result.sent + result.retried + result.failed === deps.batchSize };
}

export function startWorkers(deps: WorkerDeps): WorkerLoop {
  const logger = deps.inbound.logger;
  const quickbooksSync = deps.quickbooksSync;
  const loops = [
    ...(quickbooksSync
      ? [
          startWorkerLoop(
            "quickbooks-sync",
            quickbooksSync.intervalMs,
            async () => {
              await quickbooksSync.run();
              return false;
            },
            logger,
          ),
        ]
      : []),
    startWorkerLoop(
      "scheduler",
      deps.schedulerIntervalMs,
      async () => (await schedulerPass(deps)).full,
      logger,
    ),
    startWorkerLoop(
      "dispatcher",
      deps.dispatcherIntervalMs,
      async () => (await dispatcherPass(deps)).full,
      logger,
    ),
  ];
  return {
    async stop() {
      await Promise.all(loops.map((loop) => loop.stop()));
    },
  };
}
