import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { DeliveryObserver } from "../attempt/context.ts";
import type { DeliveryHandoff, HandedDelivery } from "../handoff.ts";
import { DEFAULT_QUEUE_NAME, DEFAULT_QUEUE_PREFIX, type DeliverJobData } from "../jobs.ts";
import { type DeliveryLogger, silentLogger } from "../logger.ts";
import { deliverJobFor } from "../prepared.ts";
import { withTimeout } from "../with-timeout.ts";

/** An add that takes longer is given up on (the scan re-queues the rows): well below PREPARED_MAX_AGE_MS. */
const ADD_TIMEOUT_MS = 2_000;

const LOST = new Set(["reconnecting", "close", "end"]);

/** Queues committed deliveries straight into BullMQ (see DeliveryHandoff). */
export class QueueHandoff implements DeliveryHandoff {
  #lastWarning = 0;

  readonly #queue: Queue<DeliverJobData>;
  readonly #log: DeliveryLogger;
  readonly #connection: Redis | undefined;
  readonly #observer: Pick<DeliveryObserver, "handoff"> | undefined;

  /**
   * `connection`: the queue's own connection, when known. While it is lost (reconnecting, closed)
   * a hand-off fails at once: BullMQ would otherwise wait for it, up to the timeout, on every call.
   * A first connect still in progress is waited for (bounded by the timeout).
   */
  constructor(
    queue: Queue<DeliverJobData>,
    opts: { log?: DeliveryLogger; connection?: Redis; observer?: Pick<DeliveryObserver, "handoff"> } = {},
  ) {
    this.#queue = queue;
    this.#log = opts.log ?? silentLogger;
    this.#connection = opts.connection;
    this.#observer = opts.observer;
  }

  async hand(deliveries: readonly HandedDelivery[]): Promise<boolean> {
    if (deliveries.length === 0) return true;
    const now = Date.now();
    if (this.#connection && LOST.has(this.#connection.status)) {
      return this.#failed(now, `Redis connection ${this.#connection.status}`, deliveries.length);
    }
    const jobs = deliveries.map((d) => deliverJobFor(d.deliveryId, d.prepared, d.prepared.dueAt, now));
    try {
      await withTimeout(this.#queue.addBulk(jobs), ADD_TIMEOUT_MS, "BullMQ addBulk");
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
  redisUrl: string;
  prefix?: string;
  queueName?: string;
  log?: DeliveryLogger;
  observer?: Pick<DeliveryObserver, "handoff">;
}): OpenedQueueHandoff {
  const conn = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  conn.on("error", () => undefined); // reconnects are retried by ioredis; failed adds are logged by hand()
  const queue = new Queue<DeliverJobData>(opts.queueName ?? DEFAULT_QUEUE_NAME, {
    connection: conn,
    prefix: opts.prefix ?? DEFAULT_QUEUE_PREFIX,
  });
  queue.on("error", () => undefined);
  return {
    handoff: new QueueHandoff(queue, {
      connection: conn,
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.observer ? { observer: opts.observer } : {}),
    }),
    async close() {
      await queue.close();
      await conn.quit().catch(() => undefined);
    },
  };
}
