import type { Logger } from "../app/ports.js";

// A polling loop that runs one pass at a time and stops cleanly: stop() waits for the pass
// in flight, so shutdown never abandons a half-done batch mid-transaction.

export interface WorkerLoop {
  stop(): Promise<void>;
}

export function startWorkerLoop(
  name: string,
  intervalMs: number,
  pass: () => Promise<boolean>,
  logger: Logger,
): WorkerLoop {
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const tick = async (): Promise<void> => {
    let moreWork = false;
    try {
      moreWork = await pass();
    } catch (error) {
      logger.error(
        { worker: name, err: error instanceof Error ? error.message : String(error) },
        "worker pass failed",
      );
    }
    if (!stopping) {
      // A full batch means more is probably waiting: go again at once instead of sleeping.
      timer = setTimeout(schedule, moreWork ? 0 : intervalMs);
    }
  };
  const schedule = () => {
    running = tick();
  };
  timer = setTimeout(schedule, 0);

  return {
    async stop() {
      stopping = true;
      if (timer) {
        clearTimeout(timer);
      }
      await running;
    },
  };
}
