import { type DatabaseHandle, openDatabase, startRetention } from "@yunlian/db";
import {
  type DeliveryLogger,
  type QueueDeliveryOptions,
  startQueueDelivery,
  workerDatabaseUrl,
} from "@yunlian/delivery";
import { keyringFromHex } from "@yunlian/secrets";
import type { WorkerConfig } from "./config.ts";

export interface RunningWorker {
  /** Graceful: stop taking jobs, finish in-flight attempts, close Redis and database connections. */
  stop(): Promise<void>;
}

/**
 * Starts relay + sweeper + BullMQ worker. Used by main.ts and by the hub's `pnpm start` when
 * REDIS_URL is set (it may pass its own database handle to share the pool).
 */
export async function startWorker(
  config: WorkerConfig,
  deps: { log?: DeliveryLogger; handle?: DatabaseHandle } = {},
): Promise<RunningWorker> {
  const keyring = keyringFromHex(config.secretKeyHex, config.secretKeyPreviousHex);
  const ownHandle = !deps.handle;
  const handle =
    deps.handle ??
    (await openDatabase({
      url: workerDatabaseUrl(config.databaseUrl),
      maxConnections: Math.min(config.concurrency + 4, 40),
      migrationsDir: config.migrationsDir,
    }));
  try {
    if (config.migrate !== false) await handle.migrate();
    const opts: QueueDeliveryOptions = {
      db: handle.db,
      listener: handle,
      redisUrl: config.redisUrl,
      config: config.delivery,
      keyring,
      concurrency: config.concurrency,
      shards: config.shards,
      ...defined({
        workerShards: config.workerShards,
        log: deps.log,
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
    // Partition upkeep (docs/adr/0009): every worker runs it; the advisory lock lets one work at a time.
    const retention = startRetention(handle, {
      ...config.retention,
      ...defined({ log: deps.log }),
    });
    return {
      async stop() {
        await retention.stop();
        await delivery.stop();
        if (ownHandle) await handle.close();
      },
    };
  } catch (err) {
    if (ownHandle) await handle.close().catch(() => undefined);
    throw err;
  }
}

/** Drops undefined values, so unset knobs fall back to the delivery package's defaults. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
