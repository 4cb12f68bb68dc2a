/**
 * Group commit: items submitted while a batch is being written wait and go together in the next
 * one, so N concurrent writers pay for one transaction (one WAL flush) instead of N. An idle
 * committer starts a batch at once (after the current microtask, so calls made in the same tick
 * share it): a lone writer waits for nothing but its own round trip.
 */
export interface GroupCommitOptions<T, R> {
  /** Writes a whole batch in one transaction; resolves with one result per item, in order. */
  runBatch(items: readonly T[]): Promise<R[]>;
  /** Writes one item on its own; used when its batch failed, so one bad item cannot fail the rest. */
  runOne(item: T): Promise<R>;
  /** Called once per committed batch with the items it held (e.g. one NOTIFY for all of them). */
  afterCommit?(items: readonly T[], results: readonly R[]): void;
  /**
   * Largest batch; more waiting items simply form the following batch. One batch is written at a
   * time: on a busy machine two in flight measured slower (smaller batches, more contention).
   */
  maxBatch: number;
  /**
   * The least time from the start of one batch to the start of the next (default 0: an idle
   * committer starts after the current microtask, a busy one as soon as its batch committed). For
   * writes that run beside a slower call (op tracking runs beside the vendor call) waiting costs
   * no latency and makes batches, hence statements, fewer: at most one per `lingerMs` however
   * fast the database answers. A full batch (maxBatch) does not wait.
   */
  lingerMs?: number;
}

interface Waiting<T, R> {
  item: T;
  onResult(result: R, item: T): void;
  onError(err: unknown, item: T): void;
}

export class GroupCommit<T, R> {
  #waiting: Waiting<T, R>[] = [];
  #busy = false;
  /** Ends the linger before a batch early (a full batch, flush, whenIdle). */
  #endPause: (() => void) | undefined;
  /** whenIdle is waiting: no batch lingers until nothing is left. */
  #urgent = false;
  /** flush() before the drain began its linger: the next batch does not linger. */
  #flushed = false;
  /** The batches being written, until none is left. */
  #running: Promise<void> | undefined;

  constructor(private readonly opts: GroupCommitOptions<T, R>) {}

  /** Resolves once the batch holding `item` has committed (or `item` alone has, after a retry). */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => this.enqueue(item, resolve, reject));
  }

  /**
   * submit without a promise: `onResult` or `onError` is called once the batch holding `item` has
   * committed or failed, with the item. For a writer nobody waits for (op tracking, beside every
   * device call), whose callbacks can then be shared by every item: a promise and its reactions
   * per item live until the batch commits, long enough for the garbage collector to copy them.
   */
  enqueue(item: T, onResult: (result: R, item: T) => void, onError: (err: unknown, item: T) => void): void {
    this.#waiting.push({ item, onResult, onError });
    if (this.#waiting.length >= this.opts.maxBatch) this.#endPause?.();
    if (this.#busy) return;
    this.#busy = true;
    queueMicrotask(() => this.#start());
  }

  /**
   * Starts the lingering batch now rather than when its linger ends. Does nothing when no batch is
   * lingering (one being written takes what waits next, as always).
   */
  flush(): void {
    if (this.#endPause) this.#endPause();
    else if (this.#busy) this.#flushed = true;
  }

  /** Writes what waits without lingering, and resolves once nothing is waiting or being written (a graceful stop). */
  async whenIdle(): Promise<void> {
    this.#urgent = true;
    try {
      this.flush();
      // A just submitted batch starts in a microtask: let it.
      await null;
      while (this.#running) await this.#running;
    } finally {
      this.#urgent = false;
    }
  }

  #start(): void {
    this.#running = this.#drain();
  }

  /**
   * Writes batches until nothing waits. Each batch starts no sooner than a linger after the one
   * before it started, the first a linger after the committer woke: one rule for an idle and a
   * busy committer.
   */
  async #drain(): Promise<void> {
    try {
      const linger = this.opts.lingerMs ?? 0;
      let lingerFrom = performance.now();
      while (this.#waiting.length > 0) {
        const left = lingerFrom + linger - performance.now();
        if (left > 0 && this.#waiting.length < this.opts.maxBatch && !this.#urgent && !this.#flushed)
          await this.#pause(left);
        this.#flushed = false;
        lingerFrom = performance.now();
        await this.#commit(this.#waiting.splice(0, this.opts.maxBatch));
      }
    } finally {
      this.#busy = false;
      this.#running = undefined;
    }
  }

  /** Waits `ms` before a batch, or less if the batch fills or is flushed meanwhile. */
  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.#endPause?.(), ms);
      this.#endPause = () => {
        clearTimeout(timer);
        this.#endPause = undefined;
        resolve();
      };
    });
  }

  async #commit(batch: Waiting<T, R>[]): Promise<void> {
    const items = batch.map((w) => w.item);
    let results: R[] | undefined;
    let batchError: unknown;
    try {
      results = await this.opts.runBatch(items);
    } catch (err) {
      batchError = err;
    }
    if (results) {
      batch.forEach((w, i) => {
        settle(w.onResult, results[i] as R, w.item);
      });
      this.#after(items, results);
      return;
    }
    const only = batch[0];
    if (batch.length === 1 && only) {
      settle(only.onError, batchError, only.item);
      return;
    }
    // Rolled back as a whole: find out which items were to blame by writing each alone.
    const ok: T[] = [];
    const okResults: R[] = [];
    for (const w of batch) {
      try {
        const r = await this.opts.runOne(w.item);
        ok.push(w.item);
        okResults.push(r);
        settle(w.onResult, r, w.item);
      } catch (err) {
        settle(w.onError, err, w.item);
      }
    }
    if (ok.length > 0) this.#after(ok, okResults);
  }

  #after(items: readonly T[], results: readonly R[]): void {
    try {
      this.opts.afterCommit?.(items, results);
    } catch {
      // A post-commit hook (a wake-up) must not turn a committed write into an error.
    }
  }
}

/** Calls one item's callback: one that throws must not keep the batch's other items from theirs. */
function settle<V, T>(callback: (value: V, item: T) => void, value: V, item: T): void {
  try {
    callback(value, item);
  } catch {
    // The caller's own error, after its write was settled: nothing here can answer for it.
  }
}
