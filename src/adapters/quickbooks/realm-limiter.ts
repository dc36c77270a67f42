// Client-side share of QuickBooks' per-realm limits (500 requests/min, 10 concurrent): staying
// under them costs a short wait here instead of a 429 and a minute of back-off there.

export interface RealmLimits {
  perMinute: number;
  concurrent: number;
}

export interface LimiterTiming {
  /** Monotonic milliseconds (not the app clock, which the sandbox may move). */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

interface RealmState {
  active: number;
  waiting: Array<() => void>;
  starts: number[];
}

const WINDOW_MS = 60_000;

export class RealmLimiter {
  private readonly realms = new Map<string, RealmState>();

  constructor(
    private readonly limits: RealmLimits,
    private readonly timing: LimiterTiming,
  ) {}

  async run<T>(realmId: string, work: () => Promise<T>): Promise<T> {
    const state = this.state(realmId);
    await this.acquire(state);
    try {
      return await work();
    } finally {
      state.active -= 1;
      state.waiting.shift()?.();
    }
  }

  /** Requests started in the last minute for this realm (for tests and metrics). */
  startedInWindow(realmId: string): number {
    const state = this.state(realmId);
    this.prune(state);
    return state.starts.length;
  }

  private async acquire(state: RealmState): Promise<void> {
    for (;;) {
      if (state.active >= this.limits.concurrent) {
        await new Promise<void>((resolve) => state.waiting.push(resolve));
        continue;
      }
      this.prune(state);
      if (state.starts.length >= this.limits.perMinute) {
        const oldest = state.starts[0] ?? this.timing.now();
        await this.timing.sleep(Math.max(1, oldest + WINDOW_MS - this.timing.now()));
        continue;
      }
      state.active += 1;
      state.starts.push(this.timing.now());
      return;
    }
  }

  private prune(state: RealmState): void {
    const cutoff = this.timing.now() - WINDOW_MS;
    while (state.starts.length > 0 && (state.starts[0] ?? 0) <= cutoff) {
      state.starts.shift();
    }
  }

  private state(realmId: string): RealmState {
    let state = this.realms.get(realmId);
    if (!state) {
      state = { active: 0, waiting: [], starts: [] };
      this.realms.set(realmId, state);
    }
    return state;
  }
}
