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
