import type { Database } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { PREPARED_MAX_AGE_MS } from "../attempt/attempt.ts";
import { closeDeliveryContext, createDeliveryContext, type DeliveryObserver } from "../attempt/context.ts";
import type { DeliveryConfig } from "../config.ts";
import type { EndpointGates } from "../endpoint-gate.ts";
import type { DeliveryHandoff } from "../handoff.ts";
import { DEFAULT_QUEUE_NAME, DEFAULT_QUEUE_PREFIX, type DeliverJobData } from "../jobs.ts";
import { type DeliveryLogger, silentLogger } from "../logger.ts";
import { Loop } from "../loop.ts";
import { DELIVERY_CHANNEL, type DeliveryListener } from "../wake.ts";
import { QueueHandoff } from "./handoff.ts";
import { relayOnce, sweepOnce } from "./relay.ts";
import { RelayLoop } from "./relay-loop.ts";
import { createDeliveryWorker } from "./worker.ts";

export interface QueueDeliveryOptions {
  db: Database;
  /** LISTENs for ingest wake-ups (the DatabaseHandle fits); without it the relay only polls. */
  listener?: DeliveryListener;
  redisUrl: string;
  config: DeliveryConfig;
  keyring: Keyring;
  log?: DeliveryLogger;
  prefix?: string;
  queueName?: string;
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
  readonly queue: Queue<DeliverJobData>;
  /** Queues deliveries that this process ingests straight into `queue` (see DeliveryHandoff). */
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

  // The worker's connection must retry forever (BullMQ requirement); the relay's fails fast so an
  // outage surfaces as an error in the relay pass instead of a growing offline queue.
  const workerConn = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const queueConn = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  for (const c of [workerConn, queueConn]) c.on("error", () => undefined); // reconnects are logged by BullMQ
  const queue = new Queue<DeliverJobData>(queueName, { connection: queueConn, prefix });
  queue.on("error", () => undefined);

  const lockDuration = opts.lockDurationMs ?? Math.max(30_000, opts.config.timeoutMs * 3);
  const worker = createDeliveryWorker({
    ctx,
    connection: workerConn,
    prefix,
    queueName,
    concurrency: opts.concurrency ?? DEFAULT_WORKER_CONCURRENCY,
    lockDuration,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
  });

  let lastRelayError = 0;
  const batchSize = opts.relayBatchSize ?? 500;
  const relay = new RelayLoop({
    pass: (ids) =>
      relayOnce({
        db: opts.db,
        queue,
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

  const unlisten = opts.listener
    ? await opts.listener.listen(DELIVERY_CHANNEL, (payload) => relay.wake(payload))
    : undefined;
  relay.start();
  sweeper.start();
  log.info({ queue: `${prefix}:${queueName}`, lockDuration }, "delivery worker started");

  let stopping: Promise<void> | undefined;
  return {
    queue,
    handoff: new QueueHandoff(queue, {
      log,
      connection: queueConn,
      ...(opts.observer ? { observer: opts.observer } : {}),
    }),
    kick: () => relay.kick(),
    breakers: () => ctx.gates.snapshot(),
    stop() {
      stopping ??= (async () => {
        await unlisten?.().catch(() => undefined);
        await Promise.all([relay.stop(), sweeper.stop()]);
        await worker.close(); // waits for in-flight jobs
        await queue.close();
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
