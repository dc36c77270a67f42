import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// Heap and RSS around a measured stretch: a full collection before each reading that is
// compared (so garbage does not pass for growth) and the peak sampled while it runs.

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

export interface MemoryReading {
  heapMb: number;
  rssMb: number;
}

export function settledMemory(): MemoryReading {
  collect();
  return reading();
}

export function reading(): MemoryReading {
  const usage = process.memoryUsage();
  return { heapMb: usage.heapUsed / 1_048_576, rssMb: usage.rss / 1_048_576 };
}

/** Samples memory every 100 ms until stopped; returns the highest heap and RSS seen. */
export function samplePeak(): () => MemoryReading {
  const peak = reading();
  const timer = setInterval(() => {
    const now = reading();
    peak.heapMb = Math.max(peak.heapMb, now.heapMb);
    peak.rssMb = Math.max(peak.rssMb, now.rssMb);
  }, 100);
  timer.unref();
  return () => {
    clearInterval(timer);
    const now = reading();
    return { heapMb: Math.max(peak.heapMb, now.heapMb), rssMb: Math.max(peak.rssMb, now.rssMb) };
  };
}

/** "before → peak → after" in whole megabytes. */
export function memoryLine(
  before: MemoryReading,
  peak: MemoryReading,
  after: MemoryReading,
  key: keyof MemoryReading,
): string {
  return [before, peak, after].map((value) => Math.round(value[key])).join(" → ");
}
