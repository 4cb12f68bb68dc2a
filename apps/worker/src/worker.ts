import { type DatabaseHandle, openDatabase, startRetention } from "@yunlian/db";
import { type QueueDeliveryOptions, startQueueDelivery, workerDatabaseUrl } from "@yunlian/delivery";
import {
  builtInAndConfiguredAdapters,
  metricsSources,
  startReconcileService,
  WorkerMetrics,
  workerScrapeCheck,
} from "@yunlian/hub/background";
import { keyringFromHex } from "@yunlian/secrets";
import { type Logger, pino } from "pino";
import type { WorkerConfig } from "./config.ts";
import { type MetricsServer, startMetricsServer } from "./metrics-server.ts";

export interface RunningWorker {
  /** Where /metrics listens (http://host:port), when it does. */
  metricsUrl?: string;
  /** Graceful: stop taking jobs, finish in-flight attempts, close Redis and database connections. */
  stop(): Promise<void>;
}

/**
 * Starts what a worker process runs (docs/operations.md): relay + sweeper + BullMQ worker,
 * retention, reconciliation (docs/adr/0013) and /metrics on its own port. Used by main.ts and by
 * tests (which may pass their own database handle).
 */
export async function startWorker(
  config: WorkerConfig,
  deps: { log?: Logger; handle?: DatabaseHandle } = {},
): Promise<RunningWorker> {
  const log = deps.log ?? pino({ level: "silent" });
  // First, before anything is opened: a bad adapter package stops the worker at start, as the hub.
  const adapters = await builtInAndConfiguredAdapters(config.adapterPackages);
  const keyring = keyringFromHex(config.secretKeyHex, config.secretKeyPreviousHex);
  const ownHandle = !deps.handle;
  const handle =
    deps.handle ??
    (await openDatabase({
      url: workerDatabaseUrl(config.databaseUrl),
      // Delivery jobs in flight plus a few for the relay, sweeper, retention and the reconciler
      // (one statement at a time); LISTEN has a connection of its own.
      maxConnections: Math.min(config.concurrency + 4, 40),
      migrationsDir: config.migrationsDir,
    }));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
    if (ownHandle) await handle.close();
  };
  try {
    if (config.migrate !== false) await handle.migrate();
    const metrics = new WorkerMetrics();
    const opts: QueueDeliveryOptions = {
      db: handle.db,
      listener: handle,
      redisUrl: config.redisUrl,
      config: config.delivery,
      keyring,
      concurrency: config.concurrency,
      shards: config.shards,
      log: log.child({ component: "delivery" }),
      observer: metrics.deliveryObserver,
      ...defined({
        workerShards: config.workerShards,
        prefix: config.queuePrefix,
        queueName: config.queueName,
        lockDurationMs: config.lockDurationMs,
        stalledIntervalMs: config.stalledIntervalMs,
        relayIntervalMs: config.relayIntervalMs,
        sweepIntervalMs: config.sweepIntervalMs,
        sweepGraceMs: config.sweepGraceMs,
      }),
    };
    const delivery = await startQueueDelivery(opts);
    stops.push(() => delivery.stop());
    // Partition upkeep (docs/adr/0009): every worker runs it; the advisory lock lets one work at a time.
    const retention = startRetention(handle, {
      ...config.retention,
      log,
      onDropped: (table) => metrics.retentionPartitionsDropped.inc({ table }),
    });
    stops.push(() => retention.stop());
    // Reconciliation runs where deliveries run: here, when the hubs leave delivery to workers.
    const reconcile = await startReconcileService(
      {
        hubPlatId: config.delivery.hubPlatId,
        secretKeyHex: config.secretKeyHex,
        secretKeyPreviousHex: config.secretKeyPreviousHex,
        allowPrivateUrls: !config.delivery.blockPrivateAddresses,
        vendorTimeoutMs: config.vendorTimeoutMs,
        reconcile: config.reconcile,
      },
      {
        database: handle,
        adapters,
        delivery: {
          firstDelayMs: config.delivery.backoff[0] ?? 0,
          handoff: delivery.handoff,
          kick: () => delivery.kick(),
        },
        metrics,
        log: log.child({ component: "reconcile" }),
      },
    );
    stops.push(() => reconcile.stop());
    metrics.attachSources(
      metricsSources({ db: handle.db, now: () => new Date(), delivery, registry: reconcile.platforms }),
    );
    let server: MetricsServer | undefined;
    if (config.metrics) {
      server = await startMetricsServer({
        ...config.metrics,
        registry: metrics.registry,
        allowed: workerScrapeCheck(handle.db, {
          ...defined({ metricsToken: config.metricsToken, adminToken: config.adminToken }),
        }),
      });
      stops.push(() => server?.close() ?? Promise.resolve());
    } else {
      log.info("no /metrics endpoint: set HUB_METRICS_TOKEN (and HUB_WORKER_METRICS_PORT) to serve one");
    }
    return { ...(server ? { metricsUrl: server.url } : {}), stop: stopAll };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}

/** Drops undefined values, so unset knobs fall back to the delivery package's defaults. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
