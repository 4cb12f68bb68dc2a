import type { RequestListener } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { miotAdapter } from "@yunlian/adapter-miot";
import { type Adapter, createAdapterRegistry } from "@yunlian/adapter-sdk";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { standardAdapter } from "@yunlian/adapter-standard";
import { tuyaAdapter } from "@yunlian/adapter-tuya";
import { type DatabaseHandle, openDatabase } from "@yunlian/db";
import { ingestDatabaseUrl } from "@yunlian/delivery";
import { keyringFromHex } from "@yunlian/secrets";
import type { Hono } from "hono";
import { type Logger, pino } from "pino";
import { createApp } from "./app.ts";
import type { HubConfig } from "./config.ts";
import type { HubEnv } from "./lib/hono-env.ts";
import { generateAdminToken, generateHexKey, storedOrGenerated } from "./lib/local-secrets.ts";
import { HubMetrics } from "./observability/metrics.ts";
import { metricsSources } from "./observability/metrics-sources.ts";
import { PlatformRegistry } from "./registry/platform-registry.ts";
import { PlatformSync } from "./registry/platform-sync.ts";
import { standardEndpoints } from "./routes/standard/index.ts";
import { LOG_REDACT } from "./security/log-redact.ts";
import { buildSecurity } from "./security/security-services.ts";
import { standardListener } from "./server/standard-listener.ts";
import type { HubServices } from "./services/hub-services.ts";
import { startModelRegistry } from "./services/models/model-store.ts";
import { startDeliveryRunner } from "./services/reports/delivery-runner.ts";
import { AUTH_CHANNEL, AuthCache } from "./services/users/auth-cache.ts";
import { SessionCache } from "./services/vendor/session-cache.ts";

export interface Hub {
  app: Hono<HubEnv>;
  /** What node:http serves: the standard API's fast path in front of the app (standard-listener.ts). */
  listener: RequestListener;
  services: HubServices;
  adminToken: string;
  adminTokenGenerated: boolean;
  close(): Promise<void>;
}

export interface BuildHubOptions {
  /** An already open database (tests share one); otherwise opened from the config. */
  database?: DatabaseHandle;
  logger?: Logger;
  adapters?: Adapter[];
  /** Run status-report delivery in this process (default true; see startDeliveryRunner). */
  delivery?: boolean;
  extraRoutes?: ((app: Hono<HubEnv>) => void)[];
}

/** Everything the hub needs, wired once: database (migrated), registry, adapters, HTTP app. */
export async function buildHub(config: HubConfig, options: BuildHubOptions = {}): Promise<Hub> {
  const log =
    options.logger ?? pino({ level: config.logLevel, base: { service: "hub" }, redact: LOG_REDACT });
  const database =
    options.database ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
      migrationsDir: config.migrationsDir,
    }));
  await database.migrate();
  // Group commit writes one ingest batch at a time per pool: two connections are plenty.
  const ingestDatabase = config.databaseUrl
    ? await openDatabase({ url: ingestDatabaseUrl(config.databaseUrl), maxConnections: 2 })
    : undefined;

  const secretKey = config.secretKeyHex
    ? { value: config.secretKeyHex, generated: false }
    : storedOrGenerated(config.dataDir, "secret-key", generateHexKey);
  if (secretKey.generated && config.databaseUrl) {
    log.warn("HUB_SECRET_KEY is unset: generated one in the data folder; every hub instance must share it");
  }
  const admin = config.adminToken
    ? { value: config.adminToken, generated: false }
    : storedOrGenerated(config.dataDir, "admin-token", generateAdminToken);

  const keyring = keyringFromHex(secretKey.value);
  const registry = new PlatformRegistry();
  const authCache = new AuthCache();
  // After a lost LISTEN connection, invalidations may have been missed: start the cache afresh.
  const stopAuthListen = await database.listen(
    AUTH_CHANNEL,
    (message) => authCache.invalidate(message),
    () => authCache.invalidate("*"),
  );
  const platformSync = new PlatformSync(database, database.db, keyring, registry, log);
  const http = createVendorHttp({
    timeoutMs: config.vendorTimeoutMs,
    blockPrivateAddresses: !config.allowPrivateUrls,
  });
  const security = buildSecurity(config, log);
  const models = await startModelRegistry(database, log);
  const metrics = new HubMetrics();
  const delivery = await startDeliveryRunner(
    config,
    database,
    keyring,
    log,
    metrics,
    options.delivery ?? true,
  );
  const services: HubServices = {
    config,
    db: database.db,
    database,
    ingestDb: ingestDatabase?.db ?? database.db,
    registry,
    platformSync,
    replay: security.replay,
    security,
    keyring,
    adapters: createAdapterRegistry(options.adapters ?? [standardAdapter, miotAdapter, tuyaAdapter]),
    http,
    sessions: new SessionCache(),
    authCache,
    models: models.registry,
    metrics,
    log,
    now: () => new Date(),
    delivery,
  };
  metrics.attachSources(metricsSources(services));
  await platformSync.start();
  for (const p of registry.all()) {
    if (p.securityMode === "none")
      log.warn({ platId: p.platId }, "platform uses security mode none (unsigned requests)");
  }

  const app = createApp(services, { adminToken: admin.value, extraRoutes: options.extraRoutes });
  return {
    app,
    listener: standardListener(services, standardEndpoints, getRequestListener(app.fetch)),
    services,
    adminToken: admin.value,
    adminTokenGenerated: admin.generated,
    async close() {
      await delivery.stop();
      await models.stop();
      await platformSync.stop();
      await stopAuthListen();
      await http.close();
      await security.close();
      await ingestDatabase?.close();
      if (!options.database) await database.close();
    },
  };
}
