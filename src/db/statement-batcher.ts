// Concurrent callers of one statement share its round trips: items submitted in one turn of
// the event loop leave together at its end (setImmediate: the texts one database answer
// releases, or the requests one poll phase read), and while `maxInFlight` batches run, new
// items wait and leave together as the next batch when one finishes. There is no timer: when
// the database keeps up an item leaves within the turn, alone; under load the wait is the
// time the statement in flight takes anyway, and each round trip (a socket write each way,
// the executor's start, a commit) then serves many callers instead of one.

export interface StatementBatcherOptions<In> {
  /** Batches running at once (each holds one pooled connection). */
  maxInFlight: number;
  /** Items in one batch. */
  maxBatch: number;
  /** Items with the same key never share a batch (e.g. two changes of one thread). */
  keyOf?: (input: In) => string;
}

interface Waiting<In, Out> {
  input: In;
  resolve(output: Out): void;
  reject(error: unknown): void;
}

export class StatementBatcher<In, Out> {
  private waiting: Array<Waiting<In, Out>> = [];
  private inFlight = 0;
  private pumpScheduled = false;

  /** `runBatch` answers one output per input, in order. */
  constructor(
    private readonly runBatch: (inputs: In[]) => Promise<Out[]>,
    private readonly options: StatementBatcherOptions<In>,
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        setImmediate(() => {
          this.pumpScheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      this.inFlight += 1;
      void this.execute(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /** The oldest waiting items, at most one per key; the rest keep their places. */
  private take(): Array<Waiting<In, Out>> {
    const { keyOf, maxBatch } = this.options;
    const batch: Array<Waiting<In, Out>> = [];
    const left: Array<Waiting<In, Out>> = [];
    const keys = new Set<string>();
    for (const item of this.waiting) {
      const key = keyOf?.(item.input);
      if (batch.length >= maxBatch || (key !== undefined && keys.has(key))) {
        left.push(item);
        continue;
      }
      if (key !== undefined) {
        keys.add(key);
      }
      batch.push(item);
    }
    this.waiting = left;
    return batch;
  }

  private async execute(batch: Array<Waiting<In, Out>>): Promise<void> {
    try {
      const outputs = await this.runBatch(batch.map((item) => item.input));
      if (outputs.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} answered ${outputs.length}`);
      }
      for (const [index, item] of batch.entries()) {
        item.resolve(outputs[index] as Out);
      }
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One bad item (a unique key another writer took meanwhile) must not fail the others:
      // each runs again alone and only its own caller sees its error.
      await Promise.all(
        batch.map(async (item) => {
          try {
            const [output] = await this.runBatch([item.input]);
            item.resolve(output as Out);
          } catch (alone) {
            item.reject(alone);
          }
        }),
      );
    }
  }
}
