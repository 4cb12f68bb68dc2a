/**
 * Runs `pass` on an interval and on demand, never twice at once; a kick during a pass schedules
 * one more pass right after it. A pass returning true ("there is more") runs again immediately.
 */
export class Loop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(
    private readonly pass: () => Promise<boolean>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
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
    this.#schedule(0);
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
    this.#schedule(more || this.#again ? 0 : this.intervalMs);
  }
}
