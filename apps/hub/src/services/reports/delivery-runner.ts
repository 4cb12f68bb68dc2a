import type { DatabaseHandle } from "@yunlian/db";
import {
  type DeliveryHandoff,
  type InProcessDelivery,
  openQueueHandoff,
  type QueueDelivery,
  startInProcessDelivery,
  startQueueDelivery,
} from "@yunlian/delivery";
import type { Keyring } from "@yunlian/secrets";
import type { Logger } from "pino";
import type { HubConfig } from "../../config.ts";
import type { WorkerMetrics } from "../../observability/worker-metrics.ts";

/** How the hub process takes part in delivering status reports. */
export interface DeliveryRunner {
  mode: "in-process" | "bullmq" | "none";
  /** Delay before a new delivery's first attempt (the schedule's first entry). */
  firstDelayMs: number;
  /**
   * BullMQ mode (REDIS_URL set, with or without workers here): ingest queues its new deliveries
   * through this itself, so no relay pass is needed for them (see DeliveryHandoff).
   */
  handoff?: DeliveryHandoff;
  /** Pick up new outbox rows now (after an ingest on this instance without a hand-off). */
  kick(): void;
  stop(): Promise<void>;
  /** Jobs waiting, delayed or active in BullMQ; undefined when this process runs no queue. */
  queueDepth(): Promise<number | undefined>;
  breakers(): { endpoint: string; state: string; inFlight: number }[];
}

/**
 * docs/design.md §6: without REDIS_URL the hub delivers in-process from the Postgres outbox; with
 * REDIS_URL it runs a BullMQ relay + worker beside the HTTP server unless HUB_WORKERS=0 (then
 * apps/worker processes do it and this instance only ingests).
 */
export async function startDeliveryRunner(
  config: HubConfig,
  database: DatabaseHandle,
  keyring: Keyring,
  log: Logger,
  metrics: Pick<WorkerMetrics, "deliveryObserver">,
  enabled = true,
): Promise<DeliveryRunner> {
  const deliveryConfig = config.delivery;
  const firstDelayMs = deliveryConfig.backoff[0] ?? 0;
  const deliveryLog = log.child({ component: "delivery" });
  const observer = metrics.deliveryObserver;
  if (enabled && config.redisUrl && !config.runWorkers) {
    // apps/worker processes deliver; this instance only ingests, and queues what it ingests.
    const opened = openQueueHandoff({
      redisUrl: config.redisUrl,
      prefix: config.queue.prefix,
      queueName: config.queue.name,
      shards: config.queue.shards,
      log: deliveryLog,
      observer,
    });
    return {
      mode: "none",
      firstDelayMs,
      handoff: opened.handoff,
      kick: () => {},
      stop: () => opened.close(),
      queueDepth: async () => undefined,
      breakers: () => [],
    };
  }
  if (!enabled) {
    return {
      mode: "none",
      firstDelayMs,
      kick: () => {},
      stop: async () => {},
      queueDepth: async () => undefined,
      breakers: () => [],
    };
  }
  const common = {
    db: database.db,
    listener: database,
    config: deliveryConfig,
    keyring,
    log: deliveryLog,
    observer,
  };
  if (config.redisUrl) {
    const queued: QueueDelivery = await startQueueDelivery({
      ...common,
      redisUrl: config.redisUrl,
      prefix: config.queue.prefix,
      queueName: config.queue.name,
      shards: config.queue.shards,
    });
    return {
      mode: "bullmq",
      firstDelayMs,
      handoff: queued.handoff,
      kick: () => queued.kick(),
      stop: () => queued.stop(),
      queueDepth: () => queued.queueDepth(),
      breakers: () => queued.breakers(),
    };
  }
  const local: InProcessDelivery = await startInProcessDelivery(common);
  return {
    mode: "in-process",
    firstDelayMs,
    kick: () => local.kick(),
    stop: () => local.stop(),
    queueDepth: async () => undefined,
    breakers: () => local.breakers(),
  };
}
