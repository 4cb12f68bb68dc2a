import { z } from "zod";
import { commaList, flag, positiveInt, url } from "./fields.ts";

/**
 * Fragments of environment schemas that several deployables share: each spreads the ones it
 * reads into its own `z.object({...})`, and may tighten a field (the worker requires DATABASE_URL).
 */

/** The hub's own PlatID when HUB_PLAT_ID is unset: sent as PlatID on every call and delivery it makes. */
export const DEFAULT_HUB_PLAT_ID = "YUNLIAN-HUB-0000";

/** Embedded data folder when HUB_DATA_DIR is unset, relative to where the command was run. */
export const DEFAULT_DATA_DIR = "./.data";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const hexKey = z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 32 bytes as 64 hex characters");

/** PostgreSQL (unset: the hub embeds PGlite) and where the migration files are. */
export const databaseEnv = {
  DATABASE_URL: url.optional(),
  HUB_MIGRATIONS_DIR: z.string().optional(),
};

/** Redis for BullMQ (unset: the hub delivers in-process). */
export const redisEnv = { REDIS_URL: url.optional() };

/** Comma-separated 64-hex keys (or empty): older HUB_SECRET_KEYs, read for decryption only. */
export const previousHexKeys = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k !== ""),
  )
  .pipe(z.array(hexKey.describe("each previous key")))
  .prefault("");

/**
 * Encrypts stored vendor secrets; the same on every hub and worker. HUB_SECRET_KEY_PREVIOUS:
 * the keys it replaced, still read (never written) until `hubctl secrets rewrap` has run.
 */
export const secretKeyEnv = { HUB_SECRET_KEY: hexKey.optional(), HUB_SECRET_KEY_PREVIOUS: previousHexKeys };

export const logLevelEnv = {
  HUB_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
};

export const hubPlatIdEnv = {
  HUB_PLAT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 of A-Za-z0-9_-")
    .default(DEFAULT_HUB_PLAT_ID),
};

/** `1` lets platforms register, and deliveries reach, loopback/private URLs: development and tests only. */
export const privateUrlsEnv = { HUB_ALLOW_PRIVATE_URLS: flag.default(false) };

/**
 * The embedded data folder. pnpm runs scripts inside the package folder but records the caller's
 * directory in INIT_CWD: resolving against it puts `pnpm start` and `pnpm db:migrate`, run from the
 * repository root, on the same <root>/.data.
 */
export const dataDirEnv = {
  HUB_DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  INIT_CWD: z.string().optional(),
};

/**
 * Adapter packages loaded at start besides the built-in ones (docs/adapters.md). Every process
 * that calls vendors through adapters (the hub, the worker's reconciler) loads the same list.
 */
export const adaptersEnv = { HUB_ADAPTERS: commaList.prefault("") };

/** Timeout of one call to a vendor cloud: the hub's requests and the reconciler's polls alike. */
export const vendorTimeoutEnv = { HUB_VENDOR_TIMEOUT_MS: positiveInt.default(5000) };

/**
 * What Prometheus sends to /metrics (hub and worker, docs/design.md §7); the operator token works
 * too. The operator (bootstrap) token is HUB_ADMIN_TOKEN.
 */
export const scrapeTokensEnv = {
  HUB_METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  // docs/security.md: an operator token shorter than 32 characters is guessable enough to refuse.
  HUB_ADMIN_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
};
