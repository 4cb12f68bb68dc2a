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
  /**
   * Refuse loopback, private and link-local receivers, checked on the address actually connected
   * to (DNS rebinding). Off only where the deployment allows private URLs (HUB_ALLOW_PRIVATE_URLS).
   */
  blockPrivateAddresses: boolean;
}

/**
 * What a deployment chooses (its HUB_DELIVERY_* variables, HUB_PLAT_ID and HUB_ALLOW_PRIVATE_URLS,
 * parsed by the deployable's config: see @yunlian/config). The rest of DeliveryConfig is this
 * engine's own.
 */
export interface DeliverySettings {
  hubPlatId: string;
  backoff: readonly number[];
  timeoutMs: number;
  /** Default: the timeout plus LEASE_MARGIN_MS. */
  leaseMs?: number;
  breaker: { failureThreshold: number; cooldownMs: number };
  endpointConcurrency: number;
  blockPrivateAddresses: boolean;
}

/** How long a lease outlives its attempt's timeout: room for recording the outcome. */
const LEASE_MARGIN_MS = 15_000;

export function deliveryConfig(settings: DeliverySettings): DeliveryConfig {
  return {
    hubPlatId: settings.hubPlatId,
    backoff: settings.backoff,
    jitterRatio: 0.2,
    maxRetryAfterMs: 24 * 3_600_000,
    timeoutMs: settings.timeoutMs,
    leaseMs: settings.leaseMs ?? settings.timeoutMs + LEASE_MARGIN_MS,
    breaker: { ...settings.breaker, maxCooldownMs: 10 * 60_000 },
    endpointConcurrency: settings.endpointConcurrency,
    slotWaitMs: 500,
    blockPrivateAddresses: settings.blockPrivateAddresses,
  };
}
