import { availableParallelism } from "node:os";
import { withoutTrailingSlashes } from "@yunlian/adapter-sdk/http";
import {
  adaptersEnv,
  databaseEnv,
  dataDirEnv,
  deliveryEnv,
  deliverySettings,
  duration,
  type EnvRecord,
  flag,
  httpUrl,
  type LogLevel,
  logLevelEnv,
  parsedBy,
  parseEnv,
  positiveInt,
  queueEnv,
  type ReconcileSettings,
  type RetentionSettings,
  reconcileEnv,
  reconcileSettings,
  redisEnv,
  retentionEnv,
  retentionSettings,
  scrapeTokensEnv,
  secretKeyEnv,
  vendorTimeoutEnv,
  withCrossRules,
} from "@yunlian/config";
import { resolveDataDir } from "@yunlian/db";
import { type DeliveryConfig, deliveryConfig } from "@yunlian/delivery";
import { z } from "zod";
import { parseTrustedProxies, type TrustedProxies } from "./security/client-address.ts";
import { parseRateLimit, type RateLimit } from "./security/rate-limit.ts";
import type { CertificationSettings } from "./services/certification/certification-context.ts";

/**
 * Every environment variable the hub reads, validated once at start (docs/design.md §6); the shared
 * ones come from @yunlian/config, as apps/worker reads them. Defaults give a working embedded hub
 * on a fresh machine.
 */
const envSchema = withCrossRules(
  z.object({
    ...databaseEnv,
    ...redisEnv,
    ...secretKeyEnv,
    ...logLevelEnv,
    // HUB_PLAT_ID, HUB_ALLOW_PRIVATE_URLS and the HUB_DELIVERY_* knobs.
    ...deliveryEnv,
    ...queueEnv,
    ...dataDirEnv,
    // HUB_RETENTION_*: partition upkeep, which the hub runs too (embedded mode has no worker).
    ...retentionEnv,
    // HUB_RECONCILE_*: the reconciler runs where deliveries run (docs/adr/0013).
    ...reconcileEnv,
    // HUB_METRICS_TOKEN and HUB_ADMIN_TOKEN (at least 32 characters each).
    ...scrapeTokensEnv,
    ...vendorTimeoutEnv,
    // Adapter packages loaded at start besides the built-in ones (docs/adapters.md).
    ...adaptersEnv,
    PORT: z.coerce
      .number({ error: "must be a port number (0-65535)" })
      .int("must be a port number (0-65535)")
      .min(0, "must be a port number (0-65535)")
      .max(65535, "must be a port number (0-65535)")
      .default(8080),
    HOST: z.string().default("0.0.0.0"),
    HUB_PUBLIC_URL: httpUrl.optional(),
    HUB_TOKEN_TTL: duration.prefault("30d"),
    HUB_WORKERS: flag.default(true),
    HUB_HTTP_PROCESSES: z
      .string()
      .regex(/^(auto|[1-9]\d{0,2})$/, 'must be a number of processes (1-999) or "auto" (one per CPU)')
      .transform((v) => (v === "auto" ? availableParallelism() : Number(v)))
      .prefault("1"),
    /** Set by the primary of HUB_HTTP_PROCESSES > 1 in each process it forks (server/cluster.ts). */
    HUB_PROCESS_INDEX: z.coerce.number().int().min(0).default(0),
    HUB_MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
    // Security and hostile input (docs/security.md).
    HUB_RATE_LIMIT: parsedBy(parseRateLimit).prefault("1000/s,burst=2000"),
    // The bucket of each sandbox platform instead (docs/design.md §7 "Sandbox"); same syntax.
    HUB_SANDBOX_RATE_LIMIT: parsedBy(parseRateLimit).prefault("10/s,burst=20"),
    // Failed authentications per client address (security/unauth-budget.ts); same syntax.
    HUB_UNAUTH_RATE_LIMIT: parsedBy(parseRateLimit).prefault("10/s,burst=100"),
    // Failed console logins per client address (console/register-console.tsx); same syntax.
    HUB_CONSOLE_LOGIN_LIMIT: parsedBy(parseRateLimit).prefault("5/m,burst=10"),
    // Proxies whose X-Forwarded-For names the client (security/client-address.ts).
    HUB_TRUSTED_PROXIES: parsedBy(parseTrustedProxies).prefault(""),
    HUB_TLS_CERT: z.string().optional(),
    HUB_TLS_KEY: z.string().optional(),
    HUB_TLS_CA: z.string().optional(),
    HUB_MAX_HEADER_BYTES: positiveInt.min(1024, "must be at least 1024").default(16 * 1024),
    HUB_REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
    HUB_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
    HUB_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(5_000),
    // Command tracking (docs/design.md §7 "Device operation"): how long an op waits for a report
    // confirming it, and a switch for the benchmark's before/after (off: no OpID, no GET /v1/ops).
    HUB_OP_CONFIRM_TIMEOUT: duration.prefault("60s"),
    HUB_OP_TRACKING: z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("on"),
    // Certification runs (docs/partners.md "Certification"): each run's time, call and report-wait bounds.
    HUB_CERTIFICATION_TIMEOUT: duration.prefault("2m"),
    HUB_CERTIFICATION_MAX_CALLS: positiveInt.default(200),
    HUB_CERTIFICATION_REPORT_WAIT: duration.prefault("20s"),
  }),
  [
    {
      variables: ["HUB_TLS_CERT", "HUB_TLS_KEY"],
      check: (e) =>
        Boolean(e.HUB_TLS_CERT) === Boolean(e.HUB_TLS_KEY)
          ? undefined
          : { variable: "HUB_TLS_CERT", message: "HUB_TLS_CERT and HUB_TLS_KEY must be set together" },
    },
    {
      variables: ["HUB_HTTP_PROCESSES", "DATABASE_URL", "REDIS_URL"],
      check: (e) =>
        e.HUB_HTTP_PROCESSES > 1 && (!e.DATABASE_URL || !e.REDIS_URL)
          ? {
              variable: "HUB_HTTP_PROCESSES",
              // Embedded PGlite belongs to one process; replay protection and rate limits must be shared.
              message:
                "above 1 needs DATABASE_URL and REDIS_URL (processes share the database, replay protection and rate limits)",
            }
          : undefined,
    },
  ],
);

export interface HubConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  /** HUB_MIGRATIONS_DIR: where migrate() finds the SQL files; unset: the repository's migrations/. */
  migrationsDir?: string;
  redisUrl?: string;
  platId: string;
  adminToken?: string;
  /** HUB_METRICS_TOKEN: what Prometheus sends to GET /metrics (the admin token works too). */
  metricsToken?: string;
  secretKeyHex?: string;
  /** HUB_SECRET_KEY_PREVIOUS: keys HUB_SECRET_KEY replaced, read (never written) until a rewrap. */
  secretKeyPreviousHex: string[];
  publicUrl?: string;
  /** Absolute: HUB_DATA_DIR resolved against the directory the command was run in ("memory://" as is). */
  dataDir: string;
  /** HUB_ALLOW_PRIVATE_URLS=1: platforms may register loopback/private URLs, and the hub may call them. */
  allowPrivateUrls: boolean;
  vendorTimeoutMs: number;
  tokenTtlMs: number;
  runWorkers: boolean;
  /** HTTP server processes sharing the port (node:cluster); 1 = this process serves alone. */
  httpProcesses: number;
  /** Which of those processes this is (0 when the hub runs as one process). */
  processIndex: number;
  maxBodyBytes: number;
  logLevel: LogLevel;
  /** Per-platform token bucket; undefined = no limit (HUB_RATE_LIMIT=off). */
  rateLimit?: RateLimit;
  /** Per-platform token bucket of sandbox platforms; undefined = no limit (HUB_SANDBOX_RATE_LIMIT=off). */
  sandboxRateLimit?: RateLimit;
  /** Failed authentications per client address; undefined = no budget (HUB_UNAUTH_RATE_LIMIT=off). */
  unauthRateLimit?: RateLimit;
  /** Failed console logins per client address; undefined = no throttle (HUB_CONSOLE_LOGIN_LIMIT=off). */
  consoleLoginLimit?: RateLimit;
  /** HUB_TRUSTED_PROXIES: the proxies in front of the hub, whose X-Forwarded-For is believed. */
  trustedProxies: TrustedProxies;
  /** PEM text or file paths; HTTPS (and client certificates for mtls) when cert and key are set. */
  tls?: { cert: string; key: string; ca?: string };
  server: {
    maxHeaderBytes: number;
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
  };
  /** Status-report delivery, wherever this hub runs it (in-process or its BullMQ worker). */
  delivery: DeliveryConfig;
  /**
   * HUB_ADAPTERS: adapter packages to load besides the built-in ones, as written (names or paths),
   * and the directory names and relative paths are resolved from (where the command was run).
   */
  adapterPackages: { specs: string[]; from: string };
  /** The BullMQ queue (REDIS_URL): unset parts take the delivery package's defaults, as in apps/worker. */
  queue: { prefix?: string; name?: string; shards: number };
  /** HUB_RETENTION_*: how long history is kept, and how often the partition job runs. */
  retention: RetentionSettings;
  /** HUB_RECONCILE_*: the per-vendor call budget and the poll interval of reconciliation. */
  reconcile: ReconcileSettings;
  /** devices/op tracking: HUB_OP_CONFIRM_TIMEOUT, HUB_RETENTION_OPS, and HUB_OP_TRACKING=off turning it off. */
  ops: { tracking: boolean; confirmTimeoutMs: number; retentionMs: number };
  /** HUB_CERTIFICATION_*: the bounds of every certification run. */
  certification: CertificationSettings;
}

/**
 * Reads the hub's configuration from `env` (main.ts passes process.env). Throws one error naming
 * every bad variable. `cwd` is where relative paths start when pnpm did not record the caller's
 * directory (INIT_CWD).
 */
export function loadConfig(env: EnvRecord, cwd = process.cwd()): HubConfig {
  const e = parseEnv(envSchema, env, "hub");
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    migrationsDir: e.HUB_MIGRATIONS_DIR,
    redisUrl: e.REDIS_URL,
    platId: e.HUB_PLAT_ID,
    adminToken: e.HUB_ADMIN_TOKEN,
    metricsToken: e.HUB_METRICS_TOKEN,
    secretKeyHex: e.HUB_SECRET_KEY,
    secretKeyPreviousHex: e.HUB_SECRET_KEY_PREVIOUS,
    publicUrl: e.HUB_PUBLIC_URL && withoutTrailingSlashes(e.HUB_PUBLIC_URL),
    // One data folder whichever directory pnpm runs the script in (see dataDirEnv).
    dataDir: resolveDataDir(e.HUB_DATA_DIR, e.INIT_CWD ?? cwd),
    allowPrivateUrls: e.HUB_ALLOW_PRIVATE_URLS,
    vendorTimeoutMs: e.HUB_VENDOR_TIMEOUT_MS,
    tokenTtlMs: e.HUB_TOKEN_TTL,
    runWorkers: e.HUB_WORKERS,
    httpProcesses: e.HUB_HTTP_PROCESSES,
    processIndex: e.HUB_PROCESS_INDEX,
    maxBodyBytes: e.HUB_MAX_BODY_BYTES,
    logLevel: e.HUB_LOG_LEVEL,
    rateLimit: e.HUB_RATE_LIMIT,
    sandboxRateLimit: e.HUB_SANDBOX_RATE_LIMIT,
    unauthRateLimit: e.HUB_UNAUTH_RATE_LIMIT,
    consoleLoginLimit: e.HUB_CONSOLE_LOGIN_LIMIT,
    trustedProxies: e.HUB_TRUSTED_PROXIES,
    tls:
      e.HUB_TLS_CERT && e.HUB_TLS_KEY
        ? { cert: e.HUB_TLS_CERT, key: e.HUB_TLS_KEY, ...(e.HUB_TLS_CA ? { ca: e.HUB_TLS_CA } : {}) }
        : undefined,
    server: {
      maxHeaderBytes: e.HUB_MAX_HEADER_BYTES,
      requestTimeoutMs: e.HUB_REQUEST_TIMEOUT_MS,
      // Node requires headersTimeout <= requestTimeout.
      headersTimeoutMs: Math.min(e.HUB_HEADERS_TIMEOUT_MS, e.HUB_REQUEST_TIMEOUT_MS),
      keepAliveTimeoutMs: e.HUB_KEEP_ALIVE_TIMEOUT_MS,
    },
    delivery: deliveryConfig(deliverySettings(e)),
    adapterPackages: { specs: e.HUB_ADAPTERS, from: e.INIT_CWD ?? cwd },
    queue: {
      ...(e.HUB_QUEUE_PREFIX ? { prefix: e.HUB_QUEUE_PREFIX } : {}),
      ...(e.HUB_QUEUE_NAME ? { name: e.HUB_QUEUE_NAME } : {}),
      shards: e.HUB_DELIVERY_SHARDS,
    },
    retention: retentionSettings(e),
    reconcile: reconcileSettings(e),
    ops: {
      tracking: e.HUB_OP_TRACKING === "on",
      confirmTimeoutMs: e.HUB_OP_CONFIRM_TIMEOUT,
      retentionMs: e.HUB_RETENTION_OPS,
    },
    certification: {
      timeoutMs: e.HUB_CERTIFICATION_TIMEOUT,
      maxCalls: e.HUB_CERTIFICATION_MAX_CALLS,
      reportWaitMs: e.HUB_CERTIFICATION_REPORT_WAIT,
    },
  };
}
