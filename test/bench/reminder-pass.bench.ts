import { inArray, sql } from "drizzle-orm";
import { dispatchOutbox } from "../../src/app/dispatch-outbox.js";
import { runReminderPass } from "../../src/app/run-reminder-pass.js";
import { parseConfig } from "../../src/config.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { threadTimers } from "../../src/db/schema/index.js";
import { DrizzleReminderStore } from "../../src/db/stores/reminder-store.js";
import { memoryLine, samplePeak, settledMemory } from "./bench-memory.js";
import {
  type BenchApp,
  causeOf,
  type EmulatorCalls,
  type EngineLabel,
  openBenchDatabase,
  postgresUnavailable,
  rowsOf,
  startBenchApp,
} from "./reminder-bench-app.js";
import { analyze, seedQuickBooksSlice, seedReminderSlice } from "./reminder-seed.js";
import type { BenchReport } from "./run.js";

// The reminder loop (DESIGN §9): scheduler-pass throughput with 10,000 and 100,000 threads
// due, on PGlite and on PostgreSQL; the claim query's cost as the total number of threads
// grows 10× and 100× with the same number due; QuickBooks and Stripe calls per 1,000 sends,
// counted at the emulators; heap and RSS around each pass. The pass is the app's own
// (runReminderPass over the running sandboxed app's stores and SDK clients); the dispatcher
// is timed separately. Figures are printed, never asserted.

/** Tuesday 10:00 in Austin: inside the send window of every seeded (+1 512) number. */
const START_AT = "2026-12-01T16:00:00Z";
/** Due today: the on-due-date rung is reached for every due thread. */
const DUE_DATE = "2026-12-01";

/**
 * Each size's passes stop when nothing is due or at its time box, which keeps the whole
 * `npm run bench` under ~10 minutes on two cores: 10,000 drain at ≳ 70 threads/s, while
 * 100,000 (≈ 20 minutes per engine) are sampled, the full backlog due all the while.
 */
const THROUGHPUT_RUNS = [
  { due: 10_000, boxMs: 150_000 },
  { due: 100_000, boxMs: 30_000 },
] as const;
/** What `npm start` runs with: the pass claims this many timers at a time. */
const DEFAULT_BATCH = parseConfig({}).WORKER_BATCH_SIZE;
/** The largest batch the configuration allows (one QuickBooks query reads up to 1,000). */
const LARGEST_BATCH = 1_000;
const LARGEST_BATCH_THREADS = 2_000;
const DISPATCH_SENDS = 500;

const CLAIM_DUE = 1_000;
const CLAIM_BATCH = 100;
const CLAIM_TOTALS = [1_000, 10_000, 100_000] as const;
const CLAIM_ROUNDS = 5;

type Figures = Record<string, number | string>;

export default async function reminderPassBench(): Promise<BenchReport> {
  const figures: Figures = {};
  const started = settledMemory();
  figures["process at start: heap / RSS MB"] =
    `${Math.round(started.heapMb)} / ${Math.round(started.rssMb)}`;
  const unavailable = await postgresUnavailable();
  // PostgreSQL first: PGlite's WebAssembly memory stays in this process's RSS for a while.
  const engines: EngineLabel[] = unavailable === null ? ["postgres", "pglite"] : ["pglite"];
  if (unavailable !== null) {
    figures["postgres: skipped"] = `server unreachable (${unavailable})`;
  }
  const dispatchEngine = engines[0] ?? "pglite";
  figures["note: QuickBooks emulator"] =
    "invoice queries by Id are narrowed to the listed ids before the emulator matches them (same rows; its linear scan is not the pass's cost)";

  for (const engine of engines) {
    for (const run of THROUGHPUT_RUNS) {
      Object.assign(
        figures,
        await throughputRun(
          engine,
          run.due,
          run.boxMs,
          run.due === 10_000 && engine === dispatchEngine,
        ),
      );
    }
  }
  Object.assign(figures, await largestBatchRun(dispatchEngine));
  for (const engine of engines) {
    Object.assign(figures, await claimCost(engine));
  }
  const finished = settledMemory();
  figures["process at end: heap / RSS MB"] =
    `${Math.round(finished.heapMb)} / ${Math.round(finished.rssMb)}`;
  return { name: "reminder loop: scheduler pass, due query, API calls per send", figures };
}

interface PassTotals {
  passes: number;
  claimed: number;
  queued: number;
  other: number;
  elapsedMs: number;
  cpuMs: number;
  calls: EmulatorCalls;
  armingFailure: string | null;
}

/** Runs passes until none claims anything or the time box is spent (checked between passes). */
async function passUntilDone(app: BenchApp, batchSize: number, boxMs: number): Promise<PassTotals> {
  const deps = app.passDeps(batchSize);
  const callsBefore = app.calls();
  const totals = { passes: 0, claimed: 0, queued: 0, other: 0 };
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  while (performance.now() - startedAt < boxMs) {
    const result = await runReminderPass(deps);
    if (result.claimed === 0) {
      break;
    }
    totals.passes += 1;
    totals.claimed += result.claimed;
    totals.queued += result.queued;
    totals.other += result.claimed - result.queued;
  }
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const callsAfter = app.calls();
  return {
    ...totals,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1_000,
    calls: {
      quickbooks: callsAfter.quickbooks - callsBefore.quickbooks,
      stripe: callsAfter.stripe - callsBefore.stripe,
      twilio: callsAfter.twilio - callsBefore.twilio,
    },
    armingFailure: deps.reminders.armingFailure,
  };
}

async function withApp<T>(engine: EngineLabel, work: (app: BenchApp) => Promise<T>): Promise<T> {
  const database = await openBenchDatabase(engine);
  try {
    const app = await startBenchApp(database, START_AT);
    try {
      return await work(app);
    } finally {
      await app.running.sandbox?.emulators.twilio.idle();
      await app.stop();
    }
  } finally {
    await database.close();
  }
}

async function seedDue(app: BenchApp, count: number): Promise<void> {
  const slice = {
    companyId: app.companyId,
    from: 0,
    count,
    due: true,
    now: app.running.clock.now(),
    dueDate: DUE_DATE,
  };
  await seedReminderSlice(app.database.db, slice);
  seedQuickBooksSlice(app.quickbooksCompany, slice);
  await analyze(app.database.db);
}

async function throughputRun(
  engine: EngineLabel,
  due: number,
  boxMs: number,
  dispatch: boolean,
): Promise<Figures> {
  const label = `[${engine}] ${due.toLocaleString("en-US")} due`;
  return withApp(engine, async (app) => {
    const figures: Figures = {};
    const seedStarted = performance.now();
    await seedDue(app, due);
    figures[`${label}: seed s`] = seconds(performance.now() - seedStarted);
    const before = settledMemory();
    const peak = samplePeak();
    const totals = await passUntilDone(app, DEFAULT_BATCH, boxMs);
    const peakMemory = peak();
    const after = settledMemory();
    figures[`${label}: threads/s`] = round((totals.claimed / totals.elapsedMs) * 1_000, 1);
    figures[`${label}: threads passed`] =
      `${totals.claimed.toLocaleString("en-US")} in ${seconds(totals.elapsedMs)} s, ${totals.passes} passes of ≤ ${DEFAULT_BATCH}` +
      (totals.claimed < due
        ? ` (time box ${boxMs / 1_000} s: a sample of the ${due.toLocaleString("en-US")})`
        : "");
    figures[`${label}: queued / other outcomes`] = `${totals.queued} / ${totals.other}`;
    figures[`${label}: app CPU ms per thread`] = round(
      totals.cpuMs / Math.max(1, totals.claimed),
      2,
    );
    figures[`${label}: heap MB seeded → peak → after`] = memoryLine(
      before,
      peakMemory,
      after,
      "heapMb",
    );
    figures[`${label}: RSS MB seeded → peak → after`] = memoryLine(
      before,
      peakMemory,
      after,
      "rssMb",
    );
    figures[`${label}: QuickBooks calls per 1,000 queued`] = perThousand(
      totals.calls.quickbooks,
      totals.queued,
    );
    figures[`${label}: Stripe calls per 1,000 queued`] = perThousand(
      totals.calls.stripe,
      totals.queued,
    );
    if (totals.armingFailure) {
      figures[`${label}: arming scan FAILED`] = totals.armingFailure;
    }
    if (app.resetFailure) {
      figures[`${label}: sandbox reset FAILED`] = app.resetFailure;
    }
    if (dispatch) {
      Object.assign(figures, await dispatchRun(app, engine));
    }
    return figures;
  });
}

/** The dispatcher alone over queued reminders: sends and the provider calls they cost. */
async function dispatchRun(app: BenchApp, engine: EngineLabel): Promise<Figures> {
  const label = `[${engine}] dispatcher, ${DISPATCH_SENDS.toLocaleString("en-US")} rows`;
  const deps = app.dispatchDeps();
  const before = app.calls();
  const startedAt = performance.now();
  const result = await dispatchOutbox(deps, DISPATCH_SENDS);
  const elapsedMs = performance.now() - startedAt;
  const after = app.calls();
  return {
    [`${label}: sends/s`]: round((result.sent / elapsedMs) * 1_000, 1),
    [`${label}: sent / deferred / skipped / failed`]: `${result.sent} / ${result.deferred} / ${result.skipped} / ${result.failed + result.retried}`,
    [`${label}: QuickBooks calls per 1,000 sends`]: perThousand(
      after.quickbooks - before.quickbooks,
      result.sent,
    ),
    [`${label}: Stripe calls per 1,000 sends`]: perThousand(
      after.stripe - before.stripe,
      result.sent,
    ),
    [`${label}: Twilio calls per 1,000 sends`]: perThousand(
      after.twilio - before.twilio,
      result.sent,
    ),
  };
}

/** Calls per 1,000 sends when the pass claims the most the configuration allows at once. */
async function largestBatchRun(engine: EngineLabel): Promise<Figures> {
  const label = `[${engine}] ${LARGEST_BATCH_THREADS.toLocaleString("en-US")} due, batch ${LARGEST_BATCH}`;
  return withApp(engine, async (app) => {
    await seedDue(app, LARGEST_BATCH_THREADS);
    const totals = await passUntilDone(app, LARGEST_BATCH, 60_000);
    return {
      [`${label}: threads/s`]: round((totals.claimed / totals.elapsedMs) * 1_000, 1),
      [`${label}: QuickBooks calls per 1,000 queued`]: perThousand(
        totals.calls.quickbooks,
        totals.queued,
      ),
      [`${label}: Stripe calls per 1,000 queued`]: perThousand(totals.calls.stripe, totals.queued),
    };
  });
}

/**
 * The pass's claim query, ms per claim of CLAIM_BATCH, with CLAIM_DUE threads due and the
 * total growing 1× → 10× → 100× (the others checked already, next rung weeks away). Also the
 * arming scan that precedes every claim, at start-up (no watermark) and in steady state.
 */
async function claimCost(engine: EngineLabel): Promise<Figures> {
  const figures: Figures = {};
  const database = await openBenchDatabase(engine);
  try {
    const db = database.db;
    const companyId = "co_bench";
    await db.execute(
      sql`insert into companies (id, name, time_zone) values (${companyId}, 'Bench Co', 'America/Chicago')`,
    );
    const now = new Date(START_AT);
    const store = new DrizzleReminderStore(db);
    let seeded = 0;
    for (const total of CLAIM_TOTALS) {
      const slice = { companyId, now, dueDate: DUE_DATE };
      if (seeded === 0) {
        await seedReminderSlice(db, { ...slice, from: 0, count: CLAIM_DUE, due: true });
        seeded = CLAIM_DUE;
      }
      await seedReminderSlice(db, { ...slice, from: seeded, count: total - seeded, due: false });
      seeded = total;
      await analyze(db);
      const label = `[${engine}] claim ${CLAIM_BATCH} of ${CLAIM_DUE.toLocaleString("en-US")} due, ${total.toLocaleString("en-US")} threads`;
      const timings = await claimRounds(database, store, now);
      figures[`${label}: ms per claim (median, p90)`] =
        `${round(percentile(timings, 0.5), 2)}, ${round(percentile(timings, 0.9), 2)}`;
      figures[`${label}: plan`] = await claimPlan(database, now);
      figures[`${label}: arming scan ms (start-up, steady)`] = await armingCost(store, now);
    }
  } finally {
    await database.close();
  }
  return figures;
}

async function claimRounds(
  database: DatabaseHandle,
  store: DrizzleReminderStore,
  now: Date,
): Promise<number[]> {
  const timings: number[] = [];
  const dueAt = new Date(now.getTime() - 60_000);
  const leaseUntil = new Date(now.getTime() + 120_000);
  for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
    const claimed: string[] = [];
    for (;;) {
      const startedAt = performance.now();
      const batch = await store.claimDue(now, CLAIM_BATCH, leaseUntil);
      const elapsed = performance.now() - startedAt;
      if (batch.length === 0) {
        break;
      }
      timings.push(elapsed);
      claimed.push(...batch.map((entry) => entry.timerId));
    }
    // Due again for the next round; vacuumed so earlier rounds' dead rows cost nothing.
    await database.db.update(threadTimers).set({ dueAt }).where(inArray(threadTimers.id, claimed));
    await database.db.execute(sql`vacuum analyze thread_timers`);
  }
  return timings;
}

/** The claim's access path as the planner chooses it: node types and index names. */
async function claimPlan(database: DatabaseHandle, now: Date): Promise<string> {
  const result = await database.db.execute(sql`
    explain (format json)
    select id from thread_timers
    where key = 'reminder' and status = 'pending' and due_at <= ${now.toISOString()}::timestamptz
    order by due_at limit ${CLAIM_BATCH}::int
    for update skip locked`);
  const [row] = rowsOf(result);
  const raw = row ? Object.values(row)[0] : undefined;
  const parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
  const steps: string[] = [];
  const walk = (node: PlanNode) => {
    steps.push(
      node["Index Name"] ? `${node["Node Type"]} (${node["Index Name"]})` : node["Node Type"],
    );
    for (const child of node.Plans ?? []) {
      walk(child);
    }
  };
  const top = parsed[0]?.Plan;
  if (top) {
    walk(top);
  }
  return steps.join(" > ");
}

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

async function armingCost(store: DrizzleReminderStore, now: Date): Promise<string> {
  try {
    let startedAt = performance.now();
    const first = await store.armReminderTimers(now, null);
    const startUp = performance.now() - startedAt;
    startedAt = performance.now();
    await store.armReminderTimers(now, first.watermark);
    const steady = performance.now() - startedAt;
    return `${round(startUp, 1)}, ${round(steady, 1)} (armed ${first.armed})`;
  } catch (error) {
    return `FAILED: ${causeOf(error)}`;
  }
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function perThousand(calls: number, sends: number): number | string {
  return sends === 0 ? "n/a (nothing sent)" : round((calls / sends) * 1_000, 1);
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function seconds(ms: number): number {
  return round(ms / 1_000, 1);
}
