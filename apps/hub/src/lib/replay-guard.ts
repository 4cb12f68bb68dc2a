/** Where webhook-ids are remembered: this process (ReplayGuard) or Redis (security/redis-replay.ts). */
export interface ReplayStore {
  /** True the first time a key is claimed within the window; false for a replay. */
  claim(key: string): Promise<boolean>;
}

/**
 * The Standard Webhooks tolerance: a timestamp up to 5 minutes either side of now verifies,
 * so an id must be remembered for 10 minutes to refuse every replay of it.
 */
export const REPLAY_WINDOW_MS = 10 * 60_000;

/**
 * Remembers webhook-ids seen within the signature tolerance window, so a captured signed
 * request cannot be sent again (Standard Webhooks: id + timestamp make each message unique).
 * In memory per instance; expired ids are swept as new ones arrive. Only ids of requests whose
 * signature verified are remembered, so the map grows no faster than the rate limit allows.
 */
export class ReplayGuard implements ReplayStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs = REPLAY_WINDOW_MS) {}

  /** True the first time an id is seen within the window; false for a replay. */
  firstSeen(key: string, now = Date.now()): boolean {
    this.sweep(now);
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, now + this.windowMs);
    return true;
  }

  async claim(key: string): Promise<boolean> {
    return this.firstSeen(key);
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    // Map keeps insertion order, which is expiry order (constant window): stop at the first live one.
    for (const [key, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(key);
    }
  }
}
