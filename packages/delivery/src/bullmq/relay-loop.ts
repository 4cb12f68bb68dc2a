import { Loop } from "../loop.ts";
import { idsOfPayload } from "../wake.ts";

export interface RelayLoopOptions {
  /** One relay pass: `ids` = only these rows (by key); undefined = scan the outbox. Returns rows queued. */
  pass(ids: readonly string[] | undefined): Promise<number>;
  batchSize: number;
  /** A full scan at least this often, whatever the wake-ups said: the safety net for lost hints. */
  intervalMs: number;
  minGapMs: number;
  onError(err: unknown): void;
}

/**
 * Runs the relay. A wake-up that names new rows (an ingest NOTIFY) adds them to a set that the
 * next pass fetches by primary key, which costs the same however many rows are already queued; a
 * wake-up without ids, the interval, or a full batch runs a scan of the due, unqueued rows (older
 * than the hinted ones). Hinted rows a pass could not take (locked by another relay, not yet
 * due) are left to the scans.
 */
export class RelayLoop {
  readonly #hinted = new Set<string>();
  #scanDue = true;
  #lastScan = 0;
  readonly #loop: Loop;

  constructor(private readonly opts: RelayLoopOptions) {
    this.#loop = new Loop(() => this.#pass(), opts.intervalMs, opts.onError, opts.minGapMs);
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** A NOTIFY payload: the ids it names, or (none readable) a request for a full scan. */
  wake(payload: string): void {
    const ids = idsOfPayload(payload);
    if (ids) for (const id of ids) this.#hinted.add(id);
    else this.#scanDue = true;
    this.#loop.kick();
  }

  /** Runs a full scan soon (the sweeper handed rows back, or an operator asked). */
  kick(): void {
    this.#scanDue = true;
    this.#loop.kick();
  }

  async #pass(): Promise<boolean> {
    const scan =
      this.#scanDue || this.#hinted.size === 0 || Date.now() - this.#lastScan >= this.opts.intervalMs;
    if (scan) {
      this.#scanDue = false;
      this.#lastScan = Date.now();
      // Hinted rows are left for the next pass: a scan skips rows that young (see relayOnce).
      const n = await this.opts.pass(undefined);
      if (n >= this.opts.batchSize) this.#scanDue = true;
      return n >= this.opts.batchSize || this.#hinted.size > 0;
    }
    const ids: string[] = [];
    for (const id of this.#hinted) {
      ids.push(id);
      this.#hinted.delete(id);
      if (ids.length >= this.opts.batchSize) break;
    }
    await this.opts.pass(ids);
    return this.#hinted.size > 0;
  }
}
