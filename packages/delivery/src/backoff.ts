/** docs/design.md §7: the delay before each attempt; after the last one the delivery is dead. */
export const DEFAULT_BACKOFF = "0s,5s,30s,2m,10m,30m,1h,3h,6h,12h,24h";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Parses "0s,5s,30s,2m" into milliseconds. Throws an error naming the bad entry. */
export function parseBackoff(spec: string): number[] {
  if (spec.trim() === "") {
    throw new Error("HUB_DELIVERY_BACKOFF is empty: give comma-separated durations such as 0s,5s,30s,2m");
  }
  return spec.split(",").map((raw, i) => {
    const entry = raw.trim();
    const m = DURATION.exec(entry);
    const unit = m?.[2] === undefined ? undefined : UNIT_MS[m[2]];
    if (!m?.[1] || unit === undefined) {
      throw new Error(
        `HUB_DELIVERY_BACKOFF entry ${i + 1} "${entry}" is not a duration (use a number with ms, s, m or h, e.g. 500ms, 5s, 2m, 1h)`,
      );
    }
    return Math.round(Number(m[1]) * unit);
  });
}

/** Spreads retries of many deliveries that failed together: ±ratio around the nominal delay. */
export function withJitter(ms: number, ratio = 0.2, random: () => number = Math.random): number {
  if (ms <= 0) return 0;
  return Math.round(ms * (1 - ratio + 2 * ratio * random()));
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface RetryPolicy {
  schedule: readonly number[];
  jitterRatio: number;
  /** Upper bound for a receiver's Retry-After, so a hostile value cannot park a delivery for a year. */
  maxRetryAfterMs: number;
}

/**
 * Delay before the next attempt after `attemptsMade` attempts failed, or "dead" when the schedule is
 * used up. Retry-After can lengthen the delay (up to the cap) but never shorten the schedule's.
 */
export function nextRetryDelay(
  policy: RetryPolicy,
  attemptsMade: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | "dead" {
  const nominal = policy.schedule[attemptsMade];
  if (nominal === undefined) return "dead";
  const scheduled = withJitter(nominal, policy.jitterRatio, random);
  if (retryAfterMs === undefined) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}
