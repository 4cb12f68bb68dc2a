import type { DatabaseHandle } from "@yunlian/db";
import {
  type DeliveryConfig,
  deliveryConfigFromEnv,
  type InProcessDelivery,
  type QueueDelivery,
  startInProcessDelivery,
  startQueueDelivery,
} from "@yunlian/delivery";
import type { Keyring } from "@yunlian/secrets";
import type { Logger } from "pino";
import type { HubConfig } from "../../config.ts";

/** How the hub process takes part in delivering status reports. */
export interface DeliveryRunner {
  mode: "in-process" | "bullmq" | "none";
  /** Delay before a new delivery's first attempt (the schedule's first entry). */
  firstDelayMs: number;
  /** Pick up new outbox rows now (after an ingest on this instance). */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * DESIGN.md §6: without REDIS_URL the hub delivers in-process from the Postgres outbox; with
 * REDIS_URL it runs a BullMQ relay + worker beside the HTTP server unless HUB_WORKERS=0 (then
 * apps/worker processes do it and this instance only ingests).
 */
export async function startDeliveryRunner(
  config: HubConfig,
  database: DatabaseHandle,
  keyring: Keyring,
  log: Logger,
  enabled = true,
): Promise<DeliveryRunner> {
  const deliveryConfig: DeliveryConfig = deliveryConfigFromEnv(config.env, { hubPlatId: config.platId });
  const firstDelayMs = deliveryConfig.backoff[0] ?? 0;
  const deliveryLog = log.child({ component: "delivery" });
  if (!enabled || (config.redisUrl && !config.runWorkers)) {
    return { mode: "none", firstDelayMs, kick: () => {}, stop: async () => {} };
  }
  const common = { db: database.db, listener: database, config: deliveryConfig, keyring, log: deliveryLog };
  const runner: InProcessDelivery | QueueDelivery = config.redisUrl
    ? await startQueueDelivery({ ...common, redisUrl: config.redisUrl, prefix: config.env.HUB_QUEUE_PREFIX })
    : await startInProcessDelivery(common);
  return {
    mode: config.redisUrl ? "bullmq" : "in-process",
    firstDelayMs,
    kick: () => runner.kick(),
    stop: () => runner.stop(),
  };
}
