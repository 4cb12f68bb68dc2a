import { type JobsOptions, Queue } from "bullmq";
import type { DeliverJobData } from "../jobs.ts";
import type { RedisConnection } from "./redis.ts";

/**
 * The shard a receiving platform's deliveries go to: FNV-1a of the PlatID, so every process
 * agrees without asking anyone, and one platform's jobs (its order of attempts, its breaker's
 * traffic) stay on one queue.
 */
export function shardOf(platId: string, shards: number): number {
  if (shards <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < platId.length; i++) {
    h ^= platId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

/**
 * Shard `i`'s key prefix. One shard keeps the prefix as it is (`{yunlian}`: queues of before
 * sharding stay where they were); with more, each gets a hash tag of its own (`{yunlian-0}` …),
 * which Redis Cluster places in a slot of its own, so the shards spread over the masters.
 */
export function shardPrefix(prefix: string, shard: number, shards: number): string {
  if (shards <= 1) return prefix;
  const tag = /^\{(.+)\}$/.exec(prefix);
  return tag ? `{${tag[1]}-${shard}}` : `{${prefix}-${shard}}`;
}

/** Shard numbers 0 … shards-1. */
export function allShards(shards: number): number[] {
  return Array.from({ length: Math.max(1, shards) }, (_, i) => i);
}

/** A job as BullMQ's addBulk takes it. */
export interface DeliverJob {
  name: string;
  data: DeliverJobData;
  opts?: JobsOptions;
}

/** Where a delivery's job goes: its receiving platform's queue. */
export interface DeliveryQueues {
  forPlatform(platId: string): Queue<DeliverJobData>;
}

/** One plain queue for every platform (tests, and the unsharded shape). */
export function queuesOf(queue: Queue<DeliverJobData> | DeliveryQueues): DeliveryQueues {
  return queue instanceof Queue ? { forPlatform: () => queue } : queue;
}

/** Adds each job to its platform's queue (`platIdOf`): one addBulk per queue, all at once. */
export async function addByPlatform<T>(
  queues: DeliveryQueues,
  items: readonly T[],
  platIdOf: (item: T) => string,
  jobOf: (item: T) => DeliverJob,
): Promise<void> {
  const byQueue = new Map<Queue<DeliverJobData>, DeliverJob[]>();
  for (const item of items) {
    const q = queues.forPlatform(platIdOf(item));
    const list = byQueue.get(q) ?? [];
    list.push(jobOf(item));
    byQueue.set(q, list);
  }
  await Promise.all([...byQueue].map(([q, jobs]) => q.addBulk(jobs)));
}

/** The N delivery queues, one per shard, on one connection (one server or a cluster). */
export class ShardedQueues implements DeliveryQueues {
  readonly #queues: Queue<DeliverJobData>[];

  constructor(
    readonly connection: RedisConnection,
    readonly opts: { prefix: string; queueName: string; shards: number },
  ) {
    this.#queues = allShards(opts.shards).map((i) => {
      const q = new Queue<DeliverJobData>(opts.queueName, {
        connection,
        prefix: shardPrefix(opts.prefix, i, opts.shards),
      });
      q.on("error", () => undefined); // failed adds are reported by their callers
      return q;
    });
  }

  get shards(): number {
    return this.#queues.length;
  }

  /** Shard `i`'s queue. */
  queue(shard: number): Queue<DeliverJobData> {
    const q = this.#queues[shard];
    if (!q) throw new Error(`no delivery queue shard ${shard} (of ${this.#queues.length})`);
    return q;
  }

  /** The queue a platform's deliveries go to. */
  forPlatform(platId: string): Queue<DeliverJobData> {
    return this.queue(shardOf(platId, this.#queues.length));
  }

  /** Jobs waiting, delayed or active over every shard. */
  async depth(): Promise<number> {
    const counts = await Promise.all(
      this.#queues.map((q) => q.getJobCounts("waiting", "delayed", "active", "prioritized")),
    );
    return counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.#queues.map((q) => q.close()));
  }
}
