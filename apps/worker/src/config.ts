import { DEFAULT_WORKER_CONCURRENCY, type DeliveryConfig, deliveryConfigFromEnv } from "@yunlian/delivery";

export interface WorkerConfig {
  databaseUrl: string;
  redisUrl: string;
  /** HUB_SECRET_KEY: 64 hex chars; decrypts the platforms' appSecrets for signing. */
  secretKeyHex: string;
  delivery: DeliveryConfig;
  /** HUB_WORKER_CONCURRENCY: jobs in flight in this process. */
  concurrency: number;
  queuePrefix?: string;
  queueName?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  relayIntervalMs?: number;
  sweepIntervalMs?: number;
  sweepGraceMs?: number;
  /** Apply migrations at start (idempotent, serialised by an advisory lock). Default true. */
  migrate?: boolean;
}

function required(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is required: ${why}`);
  return v;
}

function optionalInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** Reads the worker's environment; throws one clear error per missing or malformed variable. */
export function workerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const leaseMs = optionalInt(env, "HUB_DELIVERY_LEASE_MS");
  const delivery = deliveryConfigFromEnv(env, leaseMs === undefined ? {} : { leaseMs });
  const config: WorkerConfig = {
    databaseUrl: required(env, "DATABASE_URL", "the worker reads the delivery outbox from PostgreSQL"),
    redisUrl: required(
      env,
      "REDIS_URL",
      "apps/worker runs BullMQ (embedded delivery runs inside the hub instead)",
    ),
    secretKeyHex: required(env, "HUB_SECRET_KEY", "platform secrets are stored encrypted with it"),
    delivery,
    concurrency: optionalInt(env, "HUB_WORKER_CONCURRENCY") ?? DEFAULT_WORKER_CONCURRENCY,
  };
  const extra: Array<[keyof WorkerConfig, string]> = [
    ["lockDurationMs", "HUB_WORKER_LOCK_MS"],
    ["stalledIntervalMs", "HUB_WORKER_STALLED_INTERVAL_MS"],
    ["relayIntervalMs", "HUB_WORKER_RELAY_INTERVAL_MS"],
    ["sweepIntervalMs", "HUB_WORKER_SWEEP_INTERVAL_MS"],
    ["sweepGraceMs", "HUB_WORKER_SWEEP_GRACE_MS"],
  ];
  for (const [key, name] of extra) {
    const v = optionalInt(env, name);
    if (v !== undefined) Object.assign(config, { [key]: v });
  }
  if (env.HUB_QUEUE_PREFIX) config.queuePrefix = env.HUB_QUEUE_PREFIX;
  if (env.HUB_QUEUE_NAME) config.queueName = env.HUB_QUEUE_NAME;
  return config;
}
