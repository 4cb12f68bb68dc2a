import type { Database } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import { PREPARED_MAX_AGE_MS } from "../attempt/attempt.ts";
import { closeDeliveryContext, createDeliveryContext, type DeliveryObserver } from "../attempt/context.ts";
import type { DeliveryConfig } from "../config.ts";
import type { EndpointGates } from "../endpoint-gate.ts";
import type { DeliveryHandoff } from "../handoff.ts";
import { DEFAULT_QUEUE_NAME, DEFAULT_QUEUE_PREFIX } from "../jobs.ts";
import { type DeliveryLogger, silentLogger } from "../logger.ts";
import { Loop } from "../loop.ts";
import { DELIVERY_CHANNEL, type DeliveryListener } from "../wake.ts";
import { QueueHandoff } from "./handoff.ts";
import { openRedis } from "./redis.ts";
import { RedisLossWatch } from "./redis-watch.ts";
import { relayOnce, requeueAllOpen, sweepOnce } from "./relay.ts";
import { RelayLoop } from "./relay-loop.ts";
import { allShards, ShardedQueues, shardPrefix } from "./shards.ts";
import { createDeliveryWorker } from "./worker.ts";

export interface QueueDeliveryOptions {
  db: Database;
  /** LISTENs for ingest wake-ups (the DatabaseHandle fits); without it the relay only polls. */
  listener?: DeliveryListener;
  /** One server, or a cluster with `?cluster=1` (see isClusterUrl). */
  redisUrl: string;
  config: DeliveryConfig;
  keyring: Keyring;
  log?: DeliveryLogger;
  prefix?: string;
  queueName?: string;
  /**
   * HUB_DELIVERY_SHARDS: queues deliveries are spread over, by receiving platform (default 1).
   * Every process that queues or works deliveries must be given the same number.
   */
  shards?: number;
  /** HUB_WORKER_SHARDS: the shards this process works on (default: all). The relay queues rows of every shard. */
  workerShards?: readonly number[];
  /** How often the worker checks whether Redis lost its data (default 1 s; see RedisLossWatch). */
  redisCheckIntervalMs?: number;
  /** Jobs in flight per process (HUB_WORKER_CONCURRENCY); default DEFAULT_WORKER_CONCURRENCY. */
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  relayIntervalMs?: number;
  relayBatchSize?: number;
  /**
   * A NOTIFY right after a relay pass waits until this long after it (default 10 ms): under a
   * stream of ingest batches, fewer and larger passes instead of one per batch. An idle relay
   * still runs at once.
   */
  relayMinGapMs?: number;
  /**
   * Rows an ingest NOTIFY named, or an ingest handed off, are queued without marking them; the
   * relay's scans leave rows this young to those paths, and take over older open ones (a lost
   * NOTIFY, a failed pass or hand-off, a long backlog), marking them as before. Default and
   * minimum PREPARED_MAX_AGE_MS: a hand-off's add that lands late is then too old to be sent.
   */
  relayHintedMs?: number;
  lookaheadMs?: number;
  sweepIntervalMs?: number;
  sweepGraceMs?: number;
  observer?: DeliveryObserver;
}

export interface QueueDelivery {
  /** Graceful: stop taking jobs, let in-flight attempts finish, close connections. */
  stop(): Promise<void>;
  /** Runs a relay pass soon (what a NOTIFY does). */
  kick(): void;
  /** Jobs waiting, delayed or active over every shard. */
  queueDepth(): Promise<number>;
  /** Queues deliveries that this process ingests straight into their shard (see DeliveryHandoff). */
  readonly handoff: DeliveryHandoff;
  /** Breaker state of every endpoint this process delivers to. */
  breakers(): ReturnType<EndpointGates["snapshot"]>;
}

/**
 * Jobs in flight per worker process. A job spends most of its time waiting (the receiver's answer,
 * the attempt's record in Postgres), not computing, so more of them in flight keep one process
 * busy: 64 delivered more per second than 32 in the delivery benchmark (docs/benchmarks.md).
 * Requests per receiving endpoint stay capped by HUB_DELIVERY_ENDPOINT_CONCURRENCY.
 */
export const DEFAULT_WORKER_CONCURRENCY = 64;

/** BullMQ mode: relay + sweeper + worker in this process. Several processes may run it at once. */
export async function startQueueDelivery(opts: QueueDeliveryOptions): Promise<QueueDelivery> {
  const log = opts.log ?? silentLogger;
  const prefix = opts.prefix ?? DEFAULT_QUEUE_PREFIX;
  const queueName = opts.queueName ?? DEFAULT_QUEUE_NAME;
  const ctx = createDeliveryContext({
    db: opts.db,
    config: opts.config,
    keyring: opts.keyring,
    log,
    observer: opts.observer,
  });

  const shards = opts.shards ?? 1;
  const taken = [...new Set(opts.workerShards ?? allShards(shards))].sort((a, b) => a - b);
  const outside = taken.filter((s) => !Number.isInteger(s) || s < 0 || s >= shards);
  if (outside.length > 0 || taken.length === 0) {
    throw new Error(`worker shards [${taken.join(",")}] must be a non-empty subset of 0..${shards - 1}`);
  }
  // The worker's connection must retry forever (BullMQ requirement); the relay's fails fast so an
  // outage surfaces as an error in the relay pass instead of a growing offline queue.
  const workerConn = openRedis(opts.redisUrl, "worker");
  const queueConn = openRedis(opts.redisUrl, "queue");
  const queues = new ShardedQueues(queueConn, { prefix, queueName, shards });

  const lockDuration = opts.lockDurationMs ?? Math.max(30_000, opts.config.timeoutMs * 3);
  // One BullMQ worker per shard taken; the process's concurrency is shared out between them.
  const concurrency = Math.ceil((opts.concurrency ?? DEFAULT_WORKER_CONCURRENCY) / taken.length);
  const workers = taken.map((shard) =>
    createDeliveryWorker({
      ctx,
      connection: workerConn,
      prefix: shardPrefix(prefix, shard, shards),
      queueName,
      concurrency,
      lockDuration,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
    }),
  );

  let lastRelayError = 0;
  const batchSize = opts.relayBatchSize ?? 500;
  const relay = new RelayLoop({
    pass: (ids) =>
      relayOnce({
        db: opts.db,
        queue: queues,
        batchSize,
        lookaheadMs: opts.lookaheadMs ?? 60_000,
        addTimeoutMs: 5_000,
        hintedMs: Math.max(opts.relayHintedMs ?? PREPARED_MAX_AGE_MS, PREPARED_MAX_AGE_MS),
        ...(ids ? { ids } : {}),
      }),
    batchSize,
    intervalMs: opts.relayIntervalMs ?? 1_000,
    minGapMs: opts.relayMinGapMs ?? 10,
    onError: (err) => {
      // Redis down: rows stay in the outbox; say so at most every 10 s instead of every pass.
      if (Date.now() - lastRelayError > 10_000) {
        lastRelayError = Date.now();
        log.warn({ err: String(err) }, "delivery relay pass failed; outbox rows will be retried");
      }
    },
  });
  const sweeper = new Loop(
    async () => {
      const n = await sweepOnce({ db: opts.db, graceMs: opts.sweepGraceMs ?? 60_000, batchSize: 1_000 });
      if (n > 0) {
        log.info({ rows: n }, "sweeper re-queued deliveries whose job went missing");
        relay.kick();
      }
      return false;
    },
    opts.sweepIntervalMs ?? 30_000,
    (err) => log.warn({ err: String(err) }, "delivery sweeper pass failed"),
  );

  // Redis lost its data (restart, flush, failover): queue every open row again now, not after the sweeper's grace.
  const watch = new RedisLossWatch(
    queueConn,
    allShards(shards).map((s) => `${shardPrefix(prefix, s, shards)}:${queueName}:yunlian-epoch`),
  );
  let lost: string | undefined; // kept until the re-queue succeeds (the database may fail meanwhile)
  const watcher = new Loop(
    async () => {
      lost = (await watch.check()) ?? lost;
      if (lost) {
        const rows = await requeueAllOpen({ db: opts.db, batchSize: 1_000 });
        log.warn({ reason: lost, rows }, "Redis lost its data: every open delivery is queued again");
        lost = undefined;
        relay.kick();
      }
      return false;
    },
    opts.redisCheckIntervalMs ?? 1_000,
    (err) => log.warn({ err: String(err) }, "Redis data check failed"),
  );

  const unlisten = opts.listener
    ? await opts.listener.listen(DELIVERY_CHANNEL, (payload) => relay.wake(payload))
    : undefined;
  relay.start();
  sweeper.start();
  watcher.start();
  log.info(
    { queue: `${prefix}:${queueName}`, shards, workerShards: taken, lockDuration },
    "delivery worker started",
  );

  let stopping: Promise<void> | undefined;
  return {
    queueDepth: () => queues.depth(),
    handoff: new QueueHandoff(queues, {
      log,
      connection: queueConn,
      ...(opts.observer ? { observer: opts.observer } : {}),
    }),
    kick: () => relay.kick(),
    breakers: () => ctx.gates.snapshot(),
    stop() {
      stopping ??= (async () => {
        await unlisten?.().catch(() => undefined);
        await Promise.all([relay.stop(), sweeper.stop(), watcher.stop()]);
        await Promise.all(workers.map((w) => w.close())); // waits for in-flight jobs
        await queues.close();
        await Promise.all([
          workerConn.quit().catch(() => undefined),
          queueConn.quit().catch(() => undefined),
        ]);
        await closeDeliveryContext(ctx);
        log.info({}, "delivery worker stopped");
      })();
      return stopping;
    },
  };
}
