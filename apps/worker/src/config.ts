import {
  adaptersEnv,
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
  type ReconcileSettings,
  type RetentionSettings,
  reconcileEnv,
  reconcileSettings,
  required,
  retentionEnv,
  retentionSettings,
  scrapeTokensEnv,
  url,
  vendorTimeoutEnv,
  withCrossRules,
  workerShardsEnv,
} from "@yunlian/config";
import { DEFAULT_WORKER_CONCURRENCY, type DeliveryConfig, deliveryConfig } from "@yunlian/delivery";
import { z } from "zod";

/** Where the worker serves /metrics unless HUB_WORKER_METRICS_PORT says otherwise (docs/operations.md). */
const DEFAULT_WORKER_METRICS_PORT = 9465;

const port = z.coerce
  .number({ error: "must be a port number (0-65535, 0 = no metrics endpoint)" })
  .int("must be a port number (0-65535, 0 = no metrics endpoint)")
  .min(0, "must be a port number (0-65535, 0 = no metrics endpoint)")
  .max(65535, "must be a port number (0-65535, 0 = no metrics endpoint)");

/**
 * Every environment variable the worker reads, validated once at start. The delivery,
 * reconciliation and adapter settings are the hub's (@yunlian/config): a worker delivers and
 * reconciles exactly as a hub that does so in-process would.
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
    // HUB_RECONCILE_*: the worker runs the reconciler (docs/adr/0013), HUB_VENDOR_TIMEOUT_MS bounds
    // its calls, and HUB_ADAPTERS names the same adapter packages the hub loads.
    ...reconcileEnv,
    ...vendorTimeoutEnv,
    ...adaptersEnv,
    // Where HUB_ADAPTERS' names and relative paths are resolved from (pnpm records the caller's directory).
    INIT_CWD: z.string().optional(),
    // /metrics on its own port; HUB_METRICS_TOKEN (or HUB_ADMIN_TOKEN) is what a scrape must send.
    HUB_WORKER_METRICS_PORT: port.optional(),
    HUB_WORKER_METRICS_HOST: z.string().default("0.0.0.0"),
    ...scrapeTokensEnv,
  }),
  [
    {
      variables: ["HUB_WORKER_METRICS_PORT", "HUB_METRICS_TOKEN", "HUB_ADMIN_TOKEN"],
      check: (e) =>
        e.HUB_WORKER_METRICS_PORT && !e.HUB_METRICS_TOKEN && !e.HUB_ADMIN_TOKEN
          ? {
              variable: "HUB_WORKER_METRICS_PORT",
              message:
                "serves /metrics, which answers only a scrape that sends HUB_METRICS_TOKEN (or HUB_ADMIN_TOKEN): set one of them, or 0 for no endpoint",
            }
          : undefined,
    },
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
  /** HUB_RECONCILE_*: the per-vendor call budget and poll interval of reconciliation (0 = off). */
  reconcile: ReconcileSettings;
  /** HUB_VENDOR_TIMEOUT_MS: timeout of one call to a vendor cloud. */
  vendorTimeoutMs: number;
  /** HUB_ADAPTERS as written and where they are resolved from: the hub's list (issue 18). */
  adapterPackages: { specs: string[]; from: string };
  /**
   * /metrics: where it listens (HUB_WORKER_METRICS_PORT, HOST), undefined when off; the tokens a
   * scrape may send. Unset port: 9465 when a token is set, otherwise off (the worker says so at start).
   */
  metrics?: { port: number; host: string };
  metricsToken?: string;
  adminToken?: string;
  /** Apply migrations at start (idempotent, serialised by an advisory lock). Default true. */
  migrate?: boolean;
}

/**
 * Reads the worker's configuration from `env` (main.ts passes process.env). Throws one error
 * naming every missing or malformed variable. `cwd` is where HUB_ADAPTERS paths start when pnpm
 * did not record the caller's directory (INIT_CWD). Unset tuning knobs stay undefined: startWorker
 * leaves them to the delivery package's defaults.
 */
export function loadWorkerConfig(env: EnvRecord, cwd = process.cwd()): WorkerConfig {
  const e = parseEnv(envSchema, env, "worker");
  const hasToken = Boolean(e.HUB_METRICS_TOKEN || e.HUB_ADMIN_TOKEN);
  const metricsPort = e.HUB_WORKER_METRICS_PORT ?? (hasToken ? DEFAULT_WORKER_METRICS_PORT : 0);
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
    reconcile: reconcileSettings(e),
    vendorTimeoutMs: e.HUB_VENDOR_TIMEOUT_MS,
    adapterPackages: { specs: e.HUB_ADAPTERS, from: e.INIT_CWD ?? cwd },
    ...(metricsPort > 0 ? { metrics: { port: metricsPort, host: e.HUB_WORKER_METRICS_HOST } } : {}),
    metricsToken: e.HUB_METRICS_TOKEN,
    adminToken: e.HUB_ADMIN_TOKEN,
  };
}
