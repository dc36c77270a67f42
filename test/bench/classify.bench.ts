import { classifyReply } from "../../src/understanding/index.js";
import { arrivalInstant, loadCorpus } from "../unit/understanding/corpus.js";
import type { BenchReport } from "./run.js";

// Reply classification on one core (this process, one thread) over the labeled corpus:
// throughput in a tight loop, then per-call latency percentiles.

const THROUGHPUT_ROUNDS = 5;
const ROUND_MS = 1_000;
const LATENCY_SAMPLES = 100_000;

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

/**
 * A fixed loop of float additions, timed, as a yardstick for the machine: this virtual machine's
 * speed varies from day to day (the same code has read 8,000 and 20,000 classifications/s on
 * different days), so a throughput figure is only comparable beside the speed the machine ran at.
 */
function referenceLoopNanoseconds(): number {
  const steps = 30_000_000;
  let best = Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let round = 0; round < 3; round += 1) {
    const started = process.hrtime.bigint();
    for (let step = 0; step < steps; step += 1) {
      sum += step * 0.5;
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / steps);
  }
  return sum < 0 ? Number.NaN : best;
}

/**
 * Dependent reads through a 4 MiB table in random order: the cache yardstick. The classifier's
 * tables and compiled patterns live in cache, and on days this machine ran it at half speed the
 * add loop above was as fast as ever while reads like these were several times slower.
 */
function referenceReadNanoseconds(): number {
  const slots = 1 << 20;
  const next = new Int32Array(slots);
  for (let slot = 0; slot < slots; slot += 1) {
    next[slot] = slot;
  }
  // Sattolo's shuffle makes one cycle through every slot, so no read can be guessed ahead.
  let seed = 12_345;
  for (let slot = slots - 1; slot > 0; slot -= 1) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    const other = seed % slot;
    const kept = next[slot] ?? 0;
    next[slot] = next[other] ?? 0;
    next[other] = kept;
  }
  const steps = 5_000_000;
  let at = 0;
  const started = process.hrtime.bigint();
  for (let step = 0; step < steps; step += 1) {
    at = next[at] ?? 0;
  }
  const nanoseconds = Number(process.hrtime.bigint() - started) / steps;
  return at < 0 ? Number.NaN : nanoseconds;
}

export default async function classifyBench(): Promise<BenchReport> {
  const inputs = loadCorpus().map((entry) => ({
    text: entry.text,
    options: { now: arrivalInstant(entry.now, entry.tz), timeZone: entry.tz },
  }));
  let sink = 0;
  for (let round = 0; round < 20; round += 1) {
    for (const input of inputs) {
      sink += classifyReply(input.text, input.options).confidence;
    }
  }

  // Several one-second rounds: the best is the single core's capacity, the median shows how
  // much other load on the machine took from it during this run.
  const rates: number[] = [];
  let totalCalls = 0;
  const cpuBefore = process.cpuUsage();
  for (let round = 0; round < THROUGHPUT_ROUNDS; round += 1) {
    let calls = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      for (const input of inputs) {
        sink += classifyReply(input.text, input.options).confidence;
      }
      calls += inputs.length;
      elapsed = performance.now() - started;
    }
    rates.push((calls / elapsed) * 1_000);
    totalCalls += calls;
  }
  // CPU time spent by this (single-threaded) process: unaffected by other load on the machine.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1_000_000;
  rates.sort((a, b) => a - b);

  const latencies = new Float64Array(LATENCY_SAMPLES);
  for (let index = 0; index < LATENCY_SAMPLES; index += 1) {
    const input = inputs[index % inputs.length];
    if (input === undefined) {
      continue;
    }
    const before = process.hrtime.bigint();
    sink += classifyReply(input.text, input.options).confidence;
    latencies[index] = Number(process.hrtime.bigint() - before) / 1_000;
  }
  latencies.sort();
  const reference = referenceLoopNanoseconds();
  const read = referenceReadNanoseconds();

  return {
    name: "understanding: classifyReply (one core, labeled corpus)",
    figures: {
      "corpus replies": inputs.length,
      "classifications per CPU-second": Math.round(totalCalls / cpuSeconds),
      "classifications/s, best round": Math.round(rates.at(-1) ?? 0),
      "classifications/s, median round": Math.round(rates[Math.floor(rates.length / 2)] ?? 0),
      "p50 latency (µs)": Number(percentile(latencies, 0.5).toFixed(1)),
      "p99 latency (µs)": Number(percentile(latencies, 0.99).toFixed(1)),
      "max latency (µs)": Number(percentile(latencies, 1).toFixed(1)),
      "target classifications/s": 20_000,
      "machine yardstick: ns per add step": Number(reference.toFixed(2)),
      "machine yardstick: ns per 4 MiB read": Number(read.toFixed(1)),
      checksum: Math.round(sink) % 1_000,
    },
  };
}
