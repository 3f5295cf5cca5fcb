/**
 * Gathers the items many concurrent callers hand in at about the same moment and runs them through
 * one call of `work` (one SQL statement, one Redis round trip) instead of one call each. A batch
 * starts once the current I/O callbacks have run (`setImmediate`), so it takes every request that
 * arrived meanwhile; while `maxInFlight` batches are running, newcomers wait and go together in the
 * next one. Unless `waitMs` is given, nothing waits on a timer: a lone caller goes at once; with
 * `waitMs`, a batch gathers what comes in during that delay after its first item (for work that
 * nobody waits on, where fewer, larger batches are cheaper).
 *
 * `work` answers each item in order, one settled result per item (a failed item rejects its own
 * caller only), or throws, which rejects every caller of that batch.
 */
export class MicroBatch<I, O> {
  private queued: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = new Set<Promise<void>>();
  private scheduled = false;

  constructor(
    private readonly work: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
    private readonly options: { maxBatch: number; maxInFlight: number; waitMs?: number },
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every item handed in so far has been answered. */
  async drained(): Promise<void> {
    while (this.queued.length > 0 || this.inFlight.size > 0) {
      this.start();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.start();
    };
    if (this.options.waitMs) setTimeout(go, this.options.waitMs).unref();
    else setImmediate(go);
  }

  private start(): void {
    while (this.queued.length > 0 && this.inFlight.size < this.options.maxInFlight) {
      const batch = this.queued.splice(0, this.options.maxBatch);
      const running: Promise<void> = this.run(batch).finally(() => {
        this.inFlight.delete(running);
        if (this.queued.length > 0) this.schedule();
      });
      this.inFlight.add(running);
    }
  }

  private async run(batch: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[]): Promise<void> {
    try {
      const results = await this.work(batch.map((entry) => entry.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${results.length} results`);
      batch.forEach((entry, index) => {
        const result = results[index];
        if (result.status === 'fulfilled') entry.resolve(result.value);
        else entry.reject(result.reason);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}

/** For `work` whose items all succeed or fail together: its values as settled results. */
export function fulfilledAll<O>(values: O[]): PromiseFulfilledResult<O>[] {
  return values.map((value) => ({ status: 'fulfilled', value }));
}
