/**
 * Remembers webhook-ids seen within the signature tolerance window, so a captured signed
 * request cannot be sent again (Standard Webhooks: id + timestamp make each message unique).
 * In memory per instance; expired ids are swept as new ones arrive.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs = 10 * 60_000) {}

  /** True the first time an id is seen within the window; false for a replay. */
  firstSeen(key: string, now = Date.now()): boolean {
    this.sweep(now);
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, now + this.windowMs);
    return true;
  }

  private sweep(now: number): void {
    // Map keeps insertion order, which is expiry order (constant window): stop at the first live one.
    for (const [key, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(key);
    }
  }
}
