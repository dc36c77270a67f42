import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

// Where a latency tail can come from inside the server process: how long its event loop was
// kept from running (any synchronous stretch: a big JSON, a regexp, a collection) and how much
// of that was the garbage collector.

export interface Pauses {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

/** Starts watching; the returned function stops and reports. */
export function watchPauses(): () => Pauses {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let gcTotalMs = 0;
  let gcMaxMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcTotalMs += entry.duration;
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return () => {
    loop.disable();
    observer.disconnect();
    return {
      // The histogram is in nanoseconds and includes the sampling resolution itself.
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
      gcTotalMs,
      gcMaxMs,
    };
  };
}
