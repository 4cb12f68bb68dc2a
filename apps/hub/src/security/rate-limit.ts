/**
 * Per-platform request rate limits: a token bucket per platform (HUB_RATE_LIMIT). A bucket
 * holds at most `burst` tokens and refills at `perSecond`; each request takes one. In memory
 * here; `RedisRateLimiter` shares the same buckets across hub instances.
 */

export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet period. */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  take(key: string): Promise<RateDecision>;
  close?(): Promise<void>;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * `HUB_RATE_LIMIT`: `<count>/<s|m|h>` with an optional `,burst=<n>` (default burst: twice the
 * per-second rate, at least 1), or `off`. Examples: `1000/s`, `100/s,burst=500`, `6000/m`.
 */
export function parseRateLimit(text: string): RateLimit | undefined {
  const trimmed = text.trim();
  if (trimmed === "off" || trimmed === "0") return undefined;
  const m = /^(\d+(?:\.\d+)?)\/(s|m|h)(?:\s*,\s*burst\s*=\s*(\d+))?$/.exec(trimmed);
  const unit = m?.[2] ? UNIT_SECONDS[m[2]] : undefined;
  if (!m?.[1] || unit === undefined) {
    throw new Error(`invalid rate limit "${text}" (use e.g. 1000/s, 100/s,burst=500, 6000/m or off)`);
  }
  const perSecond = Number(m[1]) / unit;
  if (!(perSecond > 0)) throw new Error(`invalid rate limit "${text}": the rate must be above 0`);
  const burst = m[3] ? Number(m[3]) : Math.max(1, Math.ceil(perSecond * 2));
  if (burst < 1) throw new Error(`invalid rate limit "${text}": burst must be at least 1`);
  return { perSecond, burst };
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One process's buckets. Keyed by authenticated platforms the map stays as small as the
 * registry; keyed by client addresses (the unauthenticated budget) it is bounded by `maxKeys`:
 * past it, the bucket touched longest ago is forgotten (it is likely full again anyway).
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = Number.POSITIVE_INFINITY,
  ) {}

  private store(key: string, bucket: Bucket): void {
    // Deleted first so the Map's order is the order of last use.
    if (this.maxKeys !== Number.POSITIVE_INFINITY) this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }

  takeSync(key: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    const refilled = Math.min(
      this.limit.burst,
      bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.limit.perSecond,
    );
    if (refilled >= 1) {
      this.store(key, { tokens: refilled - 1, at: now });
      return { allowed: true };
    }
    this.store(key, { tokens: refilled, at: now });
    return { allowed: false, retryAfterMs: Math.ceil(((1 - refilled) / this.limit.perSecond) * 1000) };
  }

  async take(key: string): Promise<RateDecision> {
    return this.takeSync(key);
  }
}

/** No limit (HUB_RATE_LIMIT=off). */
export const unlimited: RateLimiter = { take: async () => ({ allowed: true }) };
