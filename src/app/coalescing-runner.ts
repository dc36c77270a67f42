// At most one run per key at a time. Triggers that arrive during a run are folded into one
// follow-up run, so a burst of notices (sixty QuickBooks webhooks after a bulk edit) costs
// two syncs, not sixty, and every trigger still sees a run that started after it.

export class CoalescingRunner {
  private readonly running = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(private readonly work: (key: string) => Promise<void>) {}

  /** Resolves when no run is in progress for any key (e.g. before data is wiped). */
  async idle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running.values()].map((entry) => entry.done));
    }
  }

  /** Resolves when a run that started after this call has finished. */
  trigger(key: string): Promise<void> {
    const current = this.running.get(key);
    if (current) {
      current.again = true;
      return current.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          await this.work(key);
        } while (entry.again);
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, entry);
    return entry.done;
  }
}
