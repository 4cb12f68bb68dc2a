/**
 * Runs `pass` on an interval and on demand, never twice at once; a kick during a pass schedules
 * one more pass right after it. A pass returning true ("there is more") runs again immediately.
 */
export class Loop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #lastEnd = 0;

  /**
   * `minGapMs`: a kick right after a pass waits until this long after that pass ended, so a burst
   * of kicks (one NOTIFY per ingest batch) is served by fewer, larger passes. An idle loop (last
   * pass longer ago) still runs at once.
   */
  constructor(
    private readonly pass: () => Promise<boolean>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
    private readonly minGapMs = 0,
  ) {}

  start(): void {
    this.#schedule(0);
  }

  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(this.#gap());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#run().finally(() => {
        this.#running = undefined;
      });
    }, ms);
  }

  async #run(): Promise<void> {
    let more = false;
    try {
      this.#again = false;
      more = await this.pass();
    } catch (err) {
      this.onError(err);
    }
    this.#lastEnd = Date.now();
    this.#schedule(more ? 0 : this.#again ? this.#gap() : this.intervalMs);
  }

  #gap(): number {
    return Math.max(0, this.#lastEnd + this.minGapMs - Date.now());
  }
}
