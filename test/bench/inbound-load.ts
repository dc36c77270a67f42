import { Worker } from "node:worker_threads";
import type { SignedReply } from "./inbound-replies.js";

// Runs inbound-load-worker.ts on a worker thread and waits for its figures. The worker loads
// its TypeScript through tsx's loader, registered in the worker itself (a worker does not
// inherit the loader `npm run bench` started with).

export interface LoadPlan {
  url: string;
  /** The first `warmup` are sent first and not measured; then the rest, until boxMs. */
  requests: SignedReply[];
  warmup: number;
  concurrency: number;
  /** No new request is started after this long (those in flight are still waited for). */
  boxMs: number;
  /**
   * Open loop at this many requests per second (after a closed-loop warm-up), instead of
   * `concurrency` lanes each waiting for its answer.
   */
  ratePerSecond?: number;
}

/** Open loop: sockets the generator may hold open at once (a server falling behind queues). */
export const OPEN_LOOP_MAX_IN_FLIGHT = 512;

export interface LoadResult {
  warmupStatuses: Record<string, number>;
  /** Measured requests answered (any status) and how long they took in all. */
  completed: number;
  elapsedMs: number;
  /** One per completed request, in completion order. */
  latenciesMs: Float64Array;
  /** HTTP status (or "network error") → count. */
  statuses: Record<string, number>;
  failures: string[];
  /** CPU time the load generator's thread used while sending the measured requests. */
  cpuMs: number | null;
  /** Open loop: the most a request left after its due time (the generator's own lateness). */
  maxSendLagMs?: number;
}

/**
 * Sends the warm-up, awaits `measuring` (readings taken with nothing in flight), then sends
 * the measured requests.
 */
export function fireRequests(plan: LoadPlan, measuring: () => Promise<void>): Promise<LoadResult> {
  const loader = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./inbound-load-worker.ts", import.meta.url).href;
  const bootstrap = `import { register } from ${JSON.stringify(loader)}; register(); await import(${JSON.stringify(entry)});`;
  const worker = new Worker(bootstrap, { eval: true, workerData: plan });
  return new Promise((resolve, reject) => {
    worker.once("message", () => {
      measuring().then(
        () => {
          worker.once("message", (result: LoadResult) => {
            resolve(result);
            void worker.terminate();
          });
          worker.postMessage("go");
        },
        (error: unknown) => {
          reject(error);
          void worker.terminate();
        },
      );
    });
    worker.once("error", reject);
    worker.once("exit", (code) =>
      reject(new Error(`load worker exited (${code}) without figures`)),
    );
  });
}
