import type { RequestListener } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { type Adapter, createAdapterRegistry } from "@yunlian/adapter-sdk";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { type DatabaseHandle, openDatabase, startRetention } from "@yunlian/db";
import { DEFAULT_QUEUE_PREFIX, ingestDatabaseUrl } from "@yunlian/delivery";
import { keyringFromHex } from "@yunlian/secrets";
import { type Logger, pino } from "pino";
import { builtInAndConfiguredAdapters } from "./adapters.ts";
import { createApp } from "./app.ts";
import type { HubConfig } from "./config.ts";
import { generateAdminToken, generateHexKey, storedOrGenerated } from "./lib/local-secrets.ts";
import { HubMetrics } from "./observability/metrics.ts";
import { metricsSources } from "./observability/metrics-sources.ts";
import { PlatformRegistry } from "./registry/platform-registry.ts";
import { PlatformSync } from "./registry/platform-sync.ts";
import { standardEndpoints } from "./routes/standard/index.ts";
import { type GuardCtx, publicPathPrefix } from "./security/guard-caller.ts";
import { LOG_REDACT } from "./security/log-redact.ts";
import { OperatorAuth } from "./security/operator-auth.ts";
import { buildSecurity } from "./security/security-services.ts";
import { hubListener } from "./server/hub-listener.ts";
import { StandardRouter } from "./server/standard-router.ts";
import type { AuditCtx } from "./services/audit/audit.ts";
import type { CertificationCtx } from "./services/certification/certification-context.ts";
import { executeRun, inProcessJobs, type RunJobs } from "./services/certification/execute-run.ts";
import { queueJobs } from "./services/certification/queue-jobs.ts";
import { certifiedAt, endOrphanedRuns } from "./services/certification/run-store.ts";
import { ORPHAN_GRACE_MS } from "./services/certification/start-run.ts";
import type { CommandsCtx } from "./services/commands/commands-context.ts";
import { opResultDeliveries } from "./services/commands/op-results.ts";
import { startOpSweeper } from "./services/commands/op-sweeper.ts";
import { drainOpRecords } from "./services/commands/op-tracking.ts";
import type { DevicesCtx } from "./services/devices/devices-context.ts";
import type { GrantsCtx } from "./services/grants/grants.ts";
import { startModelRegistry } from "./services/models/model-store.ts";
import type { ModelsCtx } from "./services/models/publish-model.ts";
import type { CertificationStatus } from "./services/platforms/certification-status.ts";
import type { PromoteCtx } from "./services/platforms/promote-platform.ts";
import { type Reconciler, startReconciler } from "./services/reconcile/reconciler.ts";
import { type DeliveryRunner, startDeliveryRunner } from "./services/reports/delivery-runner.ts";
import type { DeliveriesCtx } from "./services/reports/manage-deliveries.ts";
import type { ReportsCtx } from "./services/reports/receive-report.ts";
import { AUTH_CHANNEL, AuthCache } from "./services/users/auth-cache.ts";
import type { LoginCtx } from "./services/users/login.ts";
import { authChanges, type UsersCtx } from "./services/users/users-context.ts";
import { SessionCache } from "./services/vendor/session-cache.ts";
import type { VendorCtx } from "./services/vendor/vendor-context.ts";

/** A running hub: what node:http serves, and the parts tests and the process entry look at. */
export interface Hub {
  /** The one request listener (server/hub-listener.ts): what `pnpm start`, tests and demo serve. */
  listener: RequestListener;
  config: HubConfig;
  database: DatabaseHandle;
  registry: PlatformRegistry;
  platformSync: PlatformSync;
  delivery: DeliveryRunner;
  /**
   * Reconciliation in this process (docs/adr/0011), when it runs deliveries (docs/adr/0013);
   * tests drive runOnce with their own clock.
   */
  reconciler?: Reconciler;
  metrics: HubMetrics;
  /** Where certification runs execute: BullMQ with REDIS_URL, else this process. */
  certificationJobs: Pick<RunJobs, "mode">;
  log: Logger;
  adminToken: string;
  adminTokenGenerated: boolean;
  /** Every route served, /v1 and the rest (the OpenAPI coverage and fuzz tests walk them). */
  routes(): { method: string; path: string }[];
  close(): Promise<void>;
}

export interface BuildHubOptions {
  /** An already open database (tests share one); otherwise opened from the config. */
  database?: DatabaseHandle;
  logger?: Logger;
  /** Replaces the built-in adapters and HUB_ADAPTERS (tests). */
  adapters?: Adapter[];
  /** Run status-report delivery in this process (default true; see startDeliveryRunner). */
  delivery?: boolean;
  /** Whether a platform is certified, for promotion (default: none is). Tests pass a fake. */
  certification?: CertificationStatus;
}

/**
 * The composition root: opens what the hub runs on (database, migrated; caches; Redis-backed
 * security; delivery) and gives each service the few parts it uses (its context).
 */
export async function buildHub(config: HubConfig, options: BuildHubOptions = {}): Promise<Hub> {
  // First, before anything is opened: a bad adapter package stops the hub at start.
  const adapterList = options.adapters ?? (await builtInAndConfiguredAdapters(config.adapterPackages));
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
  const db = database.db;
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

  const now = () => new Date();
  const keyring = keyringFromHex(secretKey.value, config.secretKeyPreviousHex);
  const registry = new PlatformRegistry();
  const authCache = new AuthCache();
  // After a lost LISTEN connection, invalidations may have been missed: start the cache afresh.
  const stopAuthListen = await database.listen(
    AUTH_CHANNEL,
    (message) => authCache.invalidate(message),
    () => authCache.invalidate("*"),
  );
  const platformSync = new PlatformSync(database, db, keyring, registry, log);
  const http = createVendorHttp({
    timeoutMs: config.vendorTimeoutMs,
    blockPrivateAddresses: !config.allowPrivateUrls,
  });
  const auditCtx: AuditCtx = { db, log };
  const security = buildSecurity(config, log, auditCtx);
  const models = await startModelRegistry(database, log);
  const metrics = new HubMetrics();
  // Before delivery starts: loading the platforms gives rows from before migration 0005 their
  // webhookSecret (platform-secrets.ts), which every delivery is signed with.
  await platformSync.start();
  const delivery = await startDeliveryRunner(
    config,
    database,
    keyring,
    log,
    metrics,
    options.delivery ?? true,
  );
  metrics.attachSources(metricsSources({ db, now, delivery, registry }));
  // Partition upkeep (docs/adr/0009). The hub runs it in every mode: embedded mode has no worker,
  // and with workers the advisory lock lets one process at a time work.
  const retention = startRetention(database, {
    ...config.retention,
    log,
    onDropped: (table) => metrics.retentionPartitionsDropped.inc({ table }),
  });
  // Before any report or op is written: the current interval's partitions exist once it is over.
  await retention.firstRun;
  for (const p of registry.all()) {
    if (p.securityMode === "none")
      log.warn({ platId: p.platId }, "platform uses security mode none (unsigned requests)");
  }

  // Each service's context: the few parts it uses.
  const adapters = createAdapterRegistry(adapterList);
  const changes = authChanges(authCache, database);
  const users: UsersCtx = { db, now, authCache, authChanges: changes, tokenTtlMs: config.tokenTtlMs };
  const login: LoginCtx = { db, now, tokenTtlMs: config.tokenTtlMs, http, hubPlatId: config.platId, log };
  const vendors: VendorCtx = {
    db,
    keyring,
    sessions: new SessionCache(),
    adapters,
    http,
    hubPlatId: config.platId,
    now,
    log,
    metrics,
  };
  const devices: DevicesCtx = { ...vendors, registry, authChanges: changes };
  const commands: CommandsCtx = {
    idempotency: { db, now },
    ...(config.ops.tracking
      ? {
          ops: {
            db,
            now,
            log,
            confirmTimeoutMs: config.ops.confirmTimeoutMs,
            retentionMs: config.ops.retentionMs,
            metrics,
            results: opResultDeliveries({ db, registry, notifier: database, delivery, now, log }),
          },
        }
      : {}),
  };
  const opSweeper = commands.ops ? startOpSweeper(commands.ops, log) : undefined;
  const reports: ReportsCtx = {
    ...(commands.ops ? { ops: commands.ops } : {}),
    registry,
    adapters,
    ingestDb: ingestDatabase?.db ?? db,
    notifier: database,
    delivery,
    metrics,
  };
  const platforms: PromoteCtx = {
    ...auditCtx,
    keyring,
    registry,
    platformSync,
    adapters,
    authChanges: changes,
    allowPrivateUrls: config.allowPrivateUrls,
    publicUrl: config.publicUrl,
    now,
    // Promotion asks the certification runs (services/certification) whether the platform passed.
    certification: options.certification ?? { certifiedAt: (platId) => certifiedAt(db, platId) },
  };
  // Reconciliation runs where deliveries run (docs/adr/0013): in this process when it delivers
  // (embedded, no REDIS_URL, or HUB_WORKERS=1), in apps/worker when HUB_WORKERS=0 leaves delivery
  // to the workers. Claims and the call budget in PostgreSQL share the work (docs/adr/0011).
  const reconciler =
    delivery.mode === "none"
      ? undefined
      : startReconciler({ ...vendors, registry, reports, settings: config.reconcile, metrics });
  const deliveries: DeliveriesCtx = { ...auditCtx, notifier: database, registry, delivery };
  const grants: GrantsCtx = {
    ...devices,
    notifier: database,
    firstDelayMs: delivery.firstDelayMs,
  };
  const modelsCtx: ModelsCtx = { ...auditCtx, notifier: database, models: models.registry, registry };
  const guard: GuardCtx = {
    registry,
    replay: security.replay,
    rateLimiter: security.rateLimiter,
    sandboxRateLimiter: security.sandboxRateLimiter,
    authFailures: security.authFailures,
    publicPathPrefix: publicPathPrefix(config.publicUrl),
    unauthBudget: security.unauthBudget,
  };

  const standard = new StandardRouter(
    standardEndpoints({
      hubPlatId: config.platId,
      users,
      login,
      devices,
      reports,
      models: models.registry,
      commands,
    }),
    guard,
    log,
  );
  const certification: CertificationCtx = {
    db,
    registry,
    vendors,
    settings: config.certification,
    vendorTimeoutMs: config.vendorTimeoutMs,
    log,
    now,
  };
  const runCertification = (job: Parameters<typeof executeRun>[1]) => executeRun(certification, job);
  // Jobs on BullMQ when Redis is configured (any hub process takes them), in this process otherwise.
  const certificationJobs = config.redisUrl
    ? queueJobs(
        {
          redisUrl: config.redisUrl,
          prefix: config.queue.prefix ?? DEFAULT_QUEUE_PREFIX,
          log,
        },
        runCertification,
      )
    : inProcessJobs(runCertification);
  // Runs a stopped process left behind end as "error", so their platforms can start new ones.
  await endOrphanedRuns(
    db,
    new Date(now().getTime() - config.certification.timeoutMs - ORPHAN_GRACE_MS),
    now(),
  );
  const operators = new OperatorAuth(db, admin.value);
  const operatorKeys = { ...auditCtx, now };
  const app = createApp({
    operators,
    operatorKeys,
    secrets: { ...auditCtx, keyring },
    guard,
    health: database,
    metrics: metrics.registry,
    metricsToken: config.metricsToken,
    publicUrl: config.publicUrl,
    platforms,
    deliveries,
    models: modelsCtx,
    grants,
    devices: { db, registry },
    certification: { ctx: certification, jobs: certificationJobs },
    console: {
      operatorKeys,
      authFailures: security.authFailures,
      loginThrottle: security.consoleLogin,
      platforms,
      deliveries,
      devices: { db, registry },
      grants,
      audit: auditCtx,
      certification: { ctx: certification, jobs: certificationJobs },
      breakerThreshold: config.delivery.breaker.failureThreshold,
      breakers: () => delivery.breakers(),
      now,
    },
    log,
  });
  const listener = hubListener({
    standard,
    app: getRequestListener(app.fetch),
    maxBodyBytes: config.maxBodyBytes,
    recorder: { log, metrics },
    log,
    unauthBudget: security.unauthBudget,
  });
  return {
    listener,
    config,
    database,
    registry,
    platformSync,
    delivery,
    reconciler,
    metrics,
    certificationJobs,
    log,
    adminToken: admin.value,
    adminTokenGenerated: admin.generated,
    routes: () => [
      ...standard.routes(),
      ...app.routes.filter((r) => r.method !== "ALL").map((r) => ({ method: r.method, path: r.path })),
    ],
    async close() {
      await certificationJobs.close();
      await reconciler?.stop();
      await opSweeper?.stop();
      await retention.stop();
      await delivery.stop();
      await models.stop();
      await platformSync.stop();
      await stopAuthListen();
      await http.close();
      // The op records of ops already answered (written after their answers: docs/adr/0010).
      if (commands.ops) await drainOpRecords(commands.ops);
      await security.close();
      await ingestDatabase?.close();
      if (!options.database) await database.close();
    },
  };
}
