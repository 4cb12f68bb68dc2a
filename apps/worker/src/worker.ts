import { type DatabaseHandle, openDatabase } from "@yunlian/db";
import { type DeliveryLogger, type QueueDeliveryOptions, startQueueDelivery } from "@yunlian/delivery";
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
  const keyring = keyringFromHex(config.secretKeyHex);
  const ownHandle = !deps.handle;
  const handle =
    deps.handle ??
    (await openDatabase({
      url: asyncCommitUrl(config.databaseUrl),
      maxConnections: Math.min(config.concurrency + 4, 40),
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
      ...defined({
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
    return {
      async stop() {
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

/**
 * The worker's own connections commit asynchronously (synchronous_commit=off, a session setting
 * postgres.js passes from the URL). They only write delivery bookkeeping (leases, attempt records,
 * relay marks): if PostgreSQL crashes, the last few hundred milliseconds of it may be lost, which
 * at worst re-sends a report with the same webhook-id — at-least-once still holds. Reports
 * themselves are ingested by the hub on synchronous connections. Without this every attempt waits
 * for two WAL flushes, which caps one worker at a few hundred deliveries per second.
 */
export function asyncCommitUrl(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has("synchronous_commit")) u.searchParams.set("synchronous_commit", "off");
  return u.toString();
}
