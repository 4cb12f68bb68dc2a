import { z } from "zod";
import { commaList, durationList, positiveInt } from "./fields.ts";
import { type EnvRecord, parseEnv } from "./parse-env.ts";
import { hubPlatIdEnv, privateUrlsEnv } from "./shared.ts";

/** docs/design.md §7: the delay before each attempt; after the last one the delivery is dead. */
export const DEFAULT_DELIVERY_BACKOFF = "0s,5s,30s,2m,10m,30m,1h,3h,6h,12h,24h";

/** What status-report delivery reads, wherever it runs (the hub's in-process runner, apps/worker). */
export const deliveryEnv = {
  ...hubPlatIdEnv,
  ...privateUrlsEnv,
  HUB_DELIVERY_BACKOFF: durationList.prefault(DEFAULT_DELIVERY_BACKOFF),
  HUB_DELIVERY_TIMEOUT_MS: positiveInt.default(10_000),
  /** Unset: the delivery engine's own margin over the timeout. */
  HUB_DELIVERY_LEASE_MS: positiveInt.optional(),
  HUB_DELIVERY_BREAKER_THRESHOLD: positiveInt.default(5),
  HUB_DELIVERY_BREAKER_COOLDOWN_MS: positiveInt.default(30_000),
  HUB_DELIVERY_ENDPOINT_CONCURRENCY: positiveInt.default(8),
};

const deliverySchema = z.object(deliveryEnv);
export type DeliveryEnv = z.output<typeof deliverySchema>;

/** The BullMQ queue hubs hand deliveries to and workers take them from: both must name the same. */
export const queueEnv = {
  HUB_QUEUE_PREFIX: z.string().optional(),
  HUB_QUEUE_NAME: z.string().optional(),
  /**
   * Queues deliveries are spread over, by receiving platform, each with its own Redis Cluster
   * hash tag (docs/adr/0012). Every hub and worker must be given the same number.
   */
  HUB_DELIVERY_SHARDS: positiveInt.max(1024, "must be at most 1024").default(1),
};

/** `0,1,5`: the shards a worker takes (unset: all). Checked against HUB_DELIVERY_SHARDS by the worker's config. */
export const workerShardsEnv = {
  HUB_WORKER_SHARDS: commaList
    .pipe(
      z.array(z.string().regex(/^\d+$/, "each shard must be a whole number, 0 or more").transform(Number)),
    )
    .optional(),
};

/** The delivery package's settings (its `DeliverySettings`), from parsed variables. */
export function deliverySettings(e: DeliveryEnv) {
  return {
    hubPlatId: e.HUB_PLAT_ID,
    blockPrivateAddresses: !e.HUB_ALLOW_PRIVATE_URLS,
    backoff: e.HUB_DELIVERY_BACKOFF,
    timeoutMs: e.HUB_DELIVERY_TIMEOUT_MS,
    ...(e.HUB_DELIVERY_LEASE_MS === undefined ? {} : { leaseMs: e.HUB_DELIVERY_LEASE_MS }),
    breaker: {
      failureThreshold: e.HUB_DELIVERY_BREAKER_THRESHOLD,
      cooldownMs: e.HUB_DELIVERY_BREAKER_COOLDOWN_MS,
    },
    endpointConcurrency: e.HUB_DELIVERY_ENDPOINT_CONCURRENCY,
  };
}

export type DeliveryEnvSettings = ReturnType<typeof deliverySettings>;

/**
 * Delivery's settings alone, from variables, for tools that run the engine without a deployable
 * around it (the delivery benchmark, the delivery package's tests): the same parsing as the hub's.
 */
export function loadDeliverySettings(env: EnvRecord, deployable = "delivery"): DeliveryEnvSettings {
  return deliverySettings(parseEnv(deliverySchema, env, deployable));
}
