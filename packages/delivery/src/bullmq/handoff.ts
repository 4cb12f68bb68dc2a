import type { Queue } from "bullmq";
import type { DeliveryObserver } from "../attempt/context.ts";
import type { DeliveryHandoff, HandedDelivery } from "../handoff.ts";
import { DEFAULT_QUEUE_NAME, DEFAULT_QUEUE_PREFIX, type DeliverJobData } from "../jobs.ts";
import { type DeliveryLogger, silentLogger } from "../logger.ts";
import { deliverJobFor } from "../prepared.ts";
import { withTimeout } from "../with-timeout.ts";
import { connectionLost, openRedis, type RedisConnection } from "./redis.ts";
import { addByPlatform, type DeliveryQueues, queuesOf, ShardedQueues } from "./shards.ts";

/** An add that takes longer is given up on (the scan re-queues the rows): well below PREPARED_MAX_AGE_MS. */
const ADD_TIMEOUT_MS = 2_000;

/** Queues committed deliveries straight into BullMQ (see DeliveryHandoff). */
export class QueueHandoff implements DeliveryHandoff {
  #lastWarning = 0;

  readonly #queues: DeliveryQueues;
  readonly #log: DeliveryLogger;
  readonly #connection: RedisConnection | undefined;
  readonly #observer: Pick<DeliveryObserver, "handoff"> | undefined;

  /**
   * `connection`: the queue's own connection, when known. While it is lost (reconnecting, closed)
   * a hand-off fails at once: BullMQ would otherwise wait for it, up to the timeout, on every call.
   * A first connect still in progress is waited for (bounded by the timeout).
   */
  constructor(
    queue: Queue<DeliverJobData> | DeliveryQueues,
    opts: {
      log?: DeliveryLogger;
      connection?: RedisConnection;
      observer?: Pick<DeliveryObserver, "handoff">;
    } = {},
  ) {
    this.#queues = queuesOf(queue);
    this.#log = opts.log ?? silentLogger;
    this.#connection = opts.connection;
    this.#observer = opts.observer;
  }

  async hand(deliveries: readonly HandedDelivery[]): Promise<boolean> {
    if (deliveries.length === 0) return true;
    const now = Date.now();
    if (this.#connection && connectionLost(this.#connection)) {
      return this.#failed(now, `Redis connection ${this.#connection.status}`, deliveries.length);
    }
    const add = addByPlatform(
      this.#queues,
      deliveries,
      (d) => d.prepared.platId,
      (d) => deliverJobFor(d.deliveryId, d.prepared, d.prepared.dueAt, now),
    );
    try {
      await withTimeout(add, ADD_TIMEOUT_MS, "BullMQ addBulk");
      this.#observer?.handoff?.({ deliveries: deliveries.length, queued: true });
      return true;
    } catch (err) {
      return this.#failed(now, String(err), deliveries.length);
    }
  }

  /** Redis down or slow: the rows wait in the outbox for the relay's scan. Logged at most every 10 s. */
  #failed(now: number, err: string, count: number): false {
    this.#observer?.handoff?.({ deliveries: count, queued: false });
    if (now - this.#lastWarning > 10_000) {
      this.#lastWarning = now;
      this.#log.warn(
        { err, deliveries: count },
        "delivery hand-off to the queue failed; the relay will queue these rows",
      );
    }
    return false;
  }
}

export interface OpenedQueueHandoff {
  handoff: DeliveryHandoff;
  close(): Promise<void>;
}

/**
 * A hand-off with a queue connection of its own, for a process that ingests but runs no worker
 * (the hub with HUB_WORKERS=0). Its connection fails fast instead of buffering while Redis is down.
 */
export function openQueueHandoff(opts: {
  /** One server, or a cluster with `?cluster=1` (see isClusterUrl). */
  redisUrl: string;
  prefix?: string;
  queueName?: string;
  /** HUB_DELIVERY_SHARDS: queues deliveries are spread over, by receiving platform (default 1). */
  shards?: number;
  log?: DeliveryLogger;
  observer?: Pick<DeliveryObserver, "handoff">;
}): OpenedQueueHandoff {
  const conn = openRedis(opts.redisUrl, "queue"); // failed adds are logged by hand()
  const queues = new ShardedQueues(conn, {
    prefix: opts.prefix ?? DEFAULT_QUEUE_PREFIX,
    queueName: opts.queueName ?? DEFAULT_QUEUE_NAME,
    shards: opts.shards ?? 1,
  });
  return {
    handoff: new QueueHandoff(queues, {
      connection: conn,
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.observer ? { observer: opts.observer } : {}),
    }),
    async close() {
      await queues.close();
      await conn.quit().catch(() => undefined);
    },
  };
}
