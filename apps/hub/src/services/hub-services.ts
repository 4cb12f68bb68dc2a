import type { AdapterRegistry } from "@yunlian/adapter-sdk";
import type { VendorHttp } from "@yunlian/adapter-sdk/http";
import type { Database, DatabaseHandle } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import type { Logger } from "pino";
import type { HubConfig } from "../config.ts";
import type { ReplayStore } from "../lib/replay-guard.ts";
import type { HubMetrics } from "../observability/metrics.ts";
import type { PlatformRegistry } from "../registry/platform-registry.ts";
import type { PlatformSync } from "../registry/platform-sync.ts";
import type { HubSecurity } from "../security/security-services.ts";
import type { ModelRegistry } from "./models/model-registry.ts";
import type { DeliveryRunner } from "./reports/delivery-runner.ts";
import type { AuthCache } from "./users/auth-cache.ts";
import type { SessionCache } from "./vendor/session-cache.ts";

/**
 * Everything a request handler may touch, built once at start and put on the Hono context by
 * one middleware (never imported as module singletons, so tests build their own).
 */
export interface HubServices {
  config: HubConfig;
  db: Database;
  database: DatabaseHandle;
  /**
   * Where status reports are written: with PostgreSQL, a small pool of its own that keeps the
   * ingest statement's plan (ingestDatabaseUrl); with embedded PGlite, `db` itself.
   */
  ingestDb: Database;
  registry: PlatformRegistry;
  platformSync: PlatformSync;
  replay: ReplayStore;
  /** Rate limits and the audit of authentication failures (docs/security.md). */
  security: HubSecurity;
  keyring: Keyring;
  adapters: AdapterRegistry;
  http: VendorHttp;
  sessions: SessionCache;
  authCache: AuthCache;
  /** Device models (shipped and published) that devices/op commands are checked against. */
  models: ModelRegistry;
  metrics: HubMetrics;
  log: Logger;
  now: () => Date;
  /** The status-report delivery this process runs (in-process, BullMQ, or none). */
  delivery: DeliveryRunner;
}
