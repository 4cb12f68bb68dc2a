import { availableParallelism } from "node:os";
import { z } from "zod";
import { parseRateLimit, type RateLimit } from "./security/rate-limit.ts";

/**
 * Every environment variable the hub reads, validated once at start (docs/design.md §6).
 * Defaults give a working embedded hub on a fresh machine.
 */
const hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 32 bytes as 64 hex characters");

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  HUB_PLAT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default("YUNLIAN-HUB-0000"),
  HUB_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  HUB_SECRET_KEY: hex64.optional(),
  HUB_PUBLIC_URL: z.string().url().optional(),
  HUB_DATA_DIR: z.string().default("./.data"),
  HUB_ALLOW_PRIVATE_URLS: z.enum(["0", "1"]).default("0"),
  HUB_VENDOR_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  HUB_TOKEN_TTL: z.string().default("30d"),
  HUB_WORKERS: z.enum(["0", "1"]).default("1"),
  HUB_HTTP_PROCESSES: z
    .string()
    .regex(/^(auto|[1-9]\d{0,2})$/, 'must be a number of processes (1-999) or "auto" (one per CPU)')
    .default("1"),
  HUB_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  HUB_LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  // Security and hostile input (docs/security.md).
  HUB_RATE_LIMIT: z.string().default("1000/s,burst=2000"),
  HUB_TLS_CERT: z.string().optional(),
  HUB_TLS_KEY: z.string().optional(),
  HUB_TLS_CA: z.string().optional(),
  HUB_MAX_HEADER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024),
  HUB_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  HUB_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  HUB_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export type HubEnv = z.infer<typeof envSchema>;

export interface HubConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  redisUrl?: string;
  platId: string;
  adminToken?: string;
  secretKeyHex?: string;
  publicUrl?: string;
  dataDir: string;
  allowPrivateUrls: boolean;
  vendorTimeoutMs: number;
  tokenTtlMs: number;
  runWorkers: boolean;
  /** HTTP server processes sharing the port (node:cluster); 1 = this process serves alone. */
  httpProcesses: number;
  maxBodyBytes: number;
  logLevel: HubEnv["HUB_LOG_LEVEL"];
  /** Per-platform token bucket; undefined = no limit (HUB_RATE_LIMIT=off). */
  rateLimit?: RateLimit;
  /** PEM text or file paths; HTTPS (and client certificates for mtls) when cert and key are set. */
  tls?: { cert: string; key: string; ca?: string };
  server: {
    maxHeaderBytes: number;
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
  };
  /** The environment the config was read from: the delivery engine reads its own knobs from it. */
  env: Record<string, string | undefined>;
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30d", "12h", "90s", "500ms" → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  const unit = m?.[2] ? unitMs[m[2]] : undefined;
  if (!m?.[1] || unit === undefined)
    throw new Error(`invalid duration "${text}" (use e.g. 500ms, 30s, 2m, 12h, 30d)`);
  return Number(m[1]) * unit;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): HubConfig {
  // Empty strings mean "unset": docker-compose passes `VAR=` through as "".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid hub configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (Boolean(e.HUB_TLS_CERT) !== Boolean(e.HUB_TLS_KEY)) {
    throw new Error("invalid hub configuration:\n  HUB_TLS_CERT and HUB_TLS_KEY must be set together");
  }
  const httpProcesses =
    e.HUB_HTTP_PROCESSES === "auto" ? availableParallelism() : Number(e.HUB_HTTP_PROCESSES);
  if (httpProcesses > 1 && (!e.DATABASE_URL || !e.REDIS_URL)) {
    // Embedded PGlite belongs to one process; replay protection and rate limits must be shared.
    throw new Error(
      "invalid hub configuration:\n  HUB_HTTP_PROCESSES above 1 needs DATABASE_URL and REDIS_URL (processes share the database, replay protection and rate limits)",
    );
  }
  let rateLimit: RateLimit | undefined;
  try {
    rateLimit = parseRateLimit(e.HUB_RATE_LIMIT);
  } catch (err) {
    throw new Error(`invalid hub configuration:\n  HUB_RATE_LIMIT: ${(err as Error).message}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    platId: e.HUB_PLAT_ID,
    adminToken: e.HUB_ADMIN_TOKEN,
    secretKeyHex: e.HUB_SECRET_KEY,
    publicUrl: e.HUB_PUBLIC_URL?.replace(/\/+$/, ""),
    dataDir: e.HUB_DATA_DIR,
    allowPrivateUrls: e.HUB_ALLOW_PRIVATE_URLS === "1",
    vendorTimeoutMs: e.HUB_VENDOR_TIMEOUT_MS,
    tokenTtlMs: parseDuration(e.HUB_TOKEN_TTL),
    runWorkers: e.HUB_WORKERS === "1",
    httpProcesses,
    maxBodyBytes: e.HUB_MAX_BODY_BYTES,
    logLevel: e.HUB_LOG_LEVEL,
    rateLimit,
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
    env: cleaned,
  };
}
