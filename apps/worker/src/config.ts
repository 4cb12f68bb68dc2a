import {
  databaseEnv,
  deliveryEnv,
  deliverySettings,
  type EnvRecord,
  hexKey,
  type LogLevel,
  logLevelEnv,
  parseEnv,
  positiveInt,
  previousHexKeys,
  queueEnv,
  type RetentionSettings,
  required,
  retentionEnv,
  retentionSettings,
  url,
  withCrossRules,
  workerShardsEnv,
} from "@yunlian/config";
import { DEFAULT_WORKER_CONCURRENCY, type DeliveryConfig, deliveryConfig } from "@yunlian/delivery";
import { z } from "zod";

/**
 * Every environment variable the worker reads, validated once at start. The delivery settings are
 * the hub's (@yunlian/config): a worker delivers exactly as a hub that delivers in-process would.
 */
const envSchema = withCrossRules(
  z.object({
    ...databaseEnv,
    ...logLevelEnv,
    // HUB_PLAT_ID, HUB_ALLOW_PRIVATE_URLS and the HUB_DELIVERY_* knobs.
    ...deliveryEnv,
    ...queueEnv,
    ...retentionEnv,
    DATABASE_URL: required(url, "the worker reads the delivery outbox from PostgreSQL"),
    // redis://host:port, or a Redis Cluster seed node with ?cluster=1 (docs/operations.md).
    REDIS_URL: required(url, "apps/worker runs BullMQ (embedded delivery runs inside the hub instead)"),
    HUB_SECRET_KEY: required(hexKey, "platform secrets are stored encrypted with it"),
    HUB_SECRET_KEY_PREVIOUS: previousHexKeys,
    HUB_WORKER_CONCURRENCY: positiveInt.default(DEFAULT_WORKER_CONCURRENCY),
    HUB_WORKER_LOCK_MS: positiveInt.optional(),
    HUB_WORKER_STALLED_INTERVAL_MS: positiveInt.optional(),
    HUB_WORKER_RELAY_INTERVAL_MS: positiveInt.optional(),
    HUB_WORKER_SWEEP_INTERVAL_MS: positiveInt.optional(),
    HUB_WORKER_SWEEP_GRACE_MS: positiveInt.optional(),
    ...workerShardsEnv,
  }),
  [
    {
      variables: ["HUB_WORKER_SHARDS", "HUB_DELIVERY_SHARDS"],
      check: (e) =>
        e.HUB_WORKER_SHARDS?.length === 0 || e.HUB_WORKER_SHARDS?.some((s) => s >= e.HUB_DELIVERY_SHARDS)
          ? {
              variable: "HUB_WORKER_SHARDS",
              message: `must name shards from 0 to HUB_DELIVERY_SHARDS - 1 (${e.HUB_DELIVERY_SHARDS - 1})`,
            }
          : undefined,
    },
  ],
);

export interface WorkerConfig {
  databaseUrl: string;
  /** HUB_MIGRATIONS_DIR: where migrate() finds the SQL files; unset: the repository's migrations/. */
  migrationsDir?: string;
  redisUrl: string;
  /** HUB_SECRET_KEY: 64 hex chars; decrypts the platforms' webhookSecrets, which sign the deliveries. */
  secretKeyHex: string;
  /** HUB_SECRET_KEY_PREVIOUS: the keys it replaced, for decryption only (as the hub reads them). */
  secretKeyPreviousHex: string[];
  logLevel: LogLevel;
  delivery: DeliveryConfig;
  /** HUB_WORKER_CONCURRENCY: jobs in flight in this process. */
  concurrency: number;
  queuePrefix?: string;
  queueName?: string;
  /** HUB_DELIVERY_SHARDS: queues deliveries are spread over (the hubs must say the same). */
  shards: number;
  /** HUB_WORKER_SHARDS: the shards this worker takes; undefined = all. */
  workerShards?: number[];
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  relayIntervalMs?: number;
  sweepIntervalMs?: number;
  sweepGraceMs?: number;
  /** HUB_RETENTION_*: how long history is kept, and how often the partition job runs. */
  retention: RetentionSettings;
  /** Apply migrations at start (idempotent, serialised by an advisory lock). Default true. */
  migrate?: boolean;
}

/**
 * Reads the worker's configuration from `env` (main.ts passes process.env). Throws one error
 * naming every missing or malformed variable. Unset tuning knobs stay undefined: startWorker
 * leaves them to the delivery package's defaults.
 */
export function loadWorkerConfig(env: EnvRecord): WorkerConfig {
  const e = parseEnv(envSchema, env, "worker");
  return {
    databaseUrl: e.DATABASE_URL,
    migrationsDir: e.HUB_MIGRATIONS_DIR,
    redisUrl: e.REDIS_URL,
    secretKeyHex: e.HUB_SECRET_KEY,
    secretKeyPreviousHex: e.HUB_SECRET_KEY_PREVIOUS,
    logLevel: e.HUB_LOG_LEVEL,
    delivery: deliveryConfig(deliverySettings(e)),
    concurrency: e.HUB_WORKER_CONCURRENCY,
    queuePrefix: e.HUB_QUEUE_PREFIX,
    queueName: e.HUB_QUEUE_NAME,
    shards: e.HUB_DELIVERY_SHARDS,
    workerShards: e.HUB_WORKER_SHARDS,
    lockDurationMs: e.HUB_WORKER_LOCK_MS,
    stalledIntervalMs: e.HUB_WORKER_STALLED_INTERVAL_MS,
    relayIntervalMs: e.HUB_WORKER_RELAY_INTERVAL_MS,
    sweepIntervalMs: e.HUB_WORKER_SWEEP_INTERVAL_MS,
    sweepGraceMs: e.HUB_WORKER_SWEEP_GRACE_MS,
    retention: retentionSettings(e),
  };
}
