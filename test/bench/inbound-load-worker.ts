import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { threadCpuMs } from "./bench-cpu.js";
import { type LoadPlan, type LoadResult, OPEN_LOOP_MAX_IN_FLIGHT } from "./inbound-load.js";

// The load generator, on a thread of its own so that building requests and reading answers
// does not queue behind the server's work on the app's event loop. Closed loop (the default):
// a fixed number of lanes, each with its own keep-alive connection, sends the next request
// as soon as its last one was answered; latency runs from the first byte written to the last
// one read. Open loop (`ratePerSecond`): request i is due at start + i / rate whatever the
// answers, and its latency runs from that due time (a stalled server cannot hide its queue).

const plan = workerData as LoadPlan;
const agent = new Agent({
  keepAlive: true,
  maxSockets: plan.ratePerSecond === undefined ? plan.concurrency : OPEN_LOOP_MAX_IN_FLIGHT,
});

function post(body: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      plan.url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          "x-twilio-signature": signature,
          "user-agent": "TwilioProxy/1.1",
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

interface PhaseResult {
  completed: number;
  elapsedMs: number;
  latenciesMs: Float64Array;
  statuses: Record<string, number>;
  failures: string[];
  /** Open loop: the most the generator sent a request after its due time. */
  maxSendLagMs?: number;
}

/** Open loop: request i is sent when it is due (start + i / rate), answered or not. */
async function openPhase(
  from: number,
  to: number,
  boxMs: number,
  ratePerSecond: number,
): Promise<PhaseResult> {
  const latencies = new Float64Array(to - from);
  const statuses: Record<string, number> = {};
  const failures = new Set<string>();
  let completed = 0;
  let latestSendLagMs = 0;
  const startedAt = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let index = from; index < to; index++) {
    const dueAt = startedAt + ((index - from) * 1_000) / ratePerSecond;
    if (dueAt - startedAt >= boxMs) {
      break;
    }
    const wait = dueAt - performance.now();
    if (wait > 1) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const reply = plan.requests[index];
    if (!reply) {
      break;
    }
    // How late this generator itself was (starved of CPU, it would charge its own delay to
    // the server): reported beside the latencies.
    latestSendLagMs = Math.max(latestSendLagMs, performance.now() - dueAt);
    inFlight.push(
      post(reply.body, reply.signature).then(
        (status) => {
          latencies[completed] = performance.now() - dueAt;
          completed += 1;
          statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
        },
        (error: unknown) => {
          latencies[completed] = performance.now() - dueAt;
          completed += 1;
          statuses["network error"] = (statuses["network error"] ?? 0) + 1;
          failures.add(error instanceof Error ? error.message : String(error));
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return {
    completed,
    elapsedMs: performance.now() - startedAt,
    latenciesMs: latencies.slice(0, completed),
    statuses,
    failures: [...failures].slice(0, 3),
    maxSendLagMs: latestSendLagMs,
  };
}

async function phase(from: number, to: number, boxMs: number): Promise<PhaseResult> {
  const latencies = new Float64Array(to - from);
  const statuses: Record<string, number> = {};
  const failures = new Set<string>();
  let nextIndex = from;
  let completed = 0;
  const startedAt = performance.now();
  const lane = async () => {
    while (nextIndex < to && performance.now() - startedAt < boxMs) {
      const index = nextIndex;
      nextIndex += 1;
      const reply = plan.requests[index];
      if (!reply) {
        return;
      }
      const sentAt = performance.now();
      let status: string;
      try {
        status = String(await post(reply.body, reply.signature));
      } catch (error) {
        status = "network error";
        failures.add(error instanceof Error ? error.message : String(error));
      }
      latencies[completed] = performance.now() - sentAt;
      completed += 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, lane));
  return {
    completed,
    elapsedMs: performance.now() - startedAt,
    latenciesMs: latencies.slice(0, completed),
    statuses,
    failures: [...failures].slice(0, 3),
  };
}

const warmup = await phase(0, plan.warmup, Number.POSITIVE_INFINITY);
// The main thread takes its "before" readings while nothing is in flight, then says go.
await new Promise<void>((resolve) => {
  parentPort?.once("message", () => resolve());
  parentPort?.postMessage({ warmed: true });
});
const cpuBefore = threadCpuMs();
const measured =
  plan.ratePerSecond === undefined
    ? await phase(plan.warmup, plan.requests.length, plan.boxMs)
    : await openPhase(plan.warmup, plan.requests.length, plan.boxMs, plan.ratePerSecond);
const cpuAfter = threadCpuMs();
agent.destroy();
const result: LoadResult = {
  warmupStatuses: warmup.statuses,
  completed: measured.completed,
  elapsedMs: measured.elapsedMs,
  latenciesMs: measured.latenciesMs,
  statuses: measured.statuses,
  failures: [...new Set([...warmup.failures, ...measured.failures])],
  cpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
  ...(measured.maxSendLagMs === undefined ? {} : { maxSendLagMs: measured.maxSendLagMs }),
};
parentPort?.postMessage(result, [result.latenciesMs.buffer as ArrayBuffer]);
