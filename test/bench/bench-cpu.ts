import { readFileSync } from "node:fs";

// CPU time from Linux's /proc, in ms: of the calling thread (the app's event loop, or the
// load generator's worker), or of another process on this machine (a PostgreSQL backend).
// Wall-clock busy time would count the moments the thread waited for a core on a loaded
// machine; these count only the time it ran. Null where /proc does not exist.

/** The clock tick (USER_HZ) /proc reports CPU time in. */
const TICKS_PER_SECOND = 100;

/** utime + stime of the calling thread. */
export function threadCpuMs(): number | null {
  return cpuMsIn("/proc/thread-self/stat");
}

/** utime + stime of a process (all its threads). */
export function processCpuMs(pid: number): number | null {
  return cpuMsIn(`/proc/${pid}/stat`);
}

function cpuMsIn(path: string): number | null {
  try {
    const stat = readFileSync(path, "utf8");
    // Fields after the command name (which may hold spaces) start at field 3, the state.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1_000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
