import { DEFAULT_BACKOFF, parseBackoff } from "./backoff.ts";

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** First open period; doubles after each failed probe up to maxCooldownMs. */
  cooldownMs: number;
  maxCooldownMs: number;
}

export interface DeliveryConfig {
  /** The hub's own PlatID, sent in the PlatID header of every delivery. */
  hubPlatId: string;
  /** Delay before each attempt (ms); its length is the number of attempts. */
  backoff: readonly number[];
  jitterRatio: number;
  maxRetryAfterMs: number;
  /** Whole-attempt timeout: connect + response + body. Must stay below the BullMQ lock duration. */
  timeoutMs: number;
  /**
   * How long a claimed attempt owns its row (nextAttemptAt is pushed this far ahead while the
   * request runs). If the worker dies mid-attempt, the row becomes due again after the lease.
   */
  leaseMs: number;
  breaker: BreakerOptions;
  /** Requests in flight per endpoint, per worker process. */
  endpointConcurrency: number;
  /** How long an attempt waits for a free endpoint slot before it is postponed instead. */
  slotWaitMs: number;
}

export const DEFAULT_HUB_PLAT_ID = "YUNLIAN-HUB-0000";

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

/** Reads HUB_PLAT_ID, HUB_DELIVERY_BACKOFF, HUB_DELIVERY_TIMEOUT_MS and the breaker/concurrency knobs. */
export function deliveryConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<DeliveryConfig> = {},
): DeliveryConfig {
  const timeoutMs = intFromEnv(env, "HUB_DELIVERY_TIMEOUT_MS", 10_000);
  return {
    hubPlatId: env.HUB_PLAT_ID || DEFAULT_HUB_PLAT_ID,
    backoff: parseBackoff(env.HUB_DELIVERY_BACKOFF || DEFAULT_BACKOFF),
    jitterRatio: 0.2,
    maxRetryAfterMs: 24 * 3_600_000,
    timeoutMs,
    leaseMs: timeoutMs + 15_000,
    breaker: {
      failureThreshold: intFromEnv(env, "HUB_DELIVERY_BREAKER_THRESHOLD", 5),
      cooldownMs: intFromEnv(env, "HUB_DELIVERY_BREAKER_COOLDOWN_MS", 30_000),
      maxCooldownMs: 10 * 60_000,
    },
    endpointConcurrency: intFromEnv(env, "HUB_DELIVERY_ENDPOINT_CONCURRENCY", 8),
    slotWaitMs: 500,
    ...overrides,
  };
}
