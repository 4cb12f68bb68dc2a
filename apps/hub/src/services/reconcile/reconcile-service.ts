import { type Adapter, createAdapterRegistry } from "@yunlian/adapter-sdk";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import type { ReconcileSettings } from "@yunlian/config";
import type { DatabaseHandle } from "@yunlian/db";
import { keyringFromHex } from "@yunlian/secrets";
import type { Logger } from "pino";
import { PlatformRegistry } from "../../registry/platform-registry.ts";
import { PlatformSync } from "../../registry/platform-sync.ts";
import type { ReportsCtx } from "../reports/receive-report.ts";
import { SessionCache } from "../vendor/session-cache.ts";
import type { ReconcileCtx } from "./reconcile-context.ts";
import { type Reconciler, startReconciler } from "./reconciler.ts";

/** What reconciliation outside a hub process needs to know (apps/worker's configuration). */
export interface ReconcileServiceConfig {
  /** HUB_PLAT_ID: how the hub introduces itself to vendors (the same on every hub and worker). */
  hubPlatId: string;
  /** HUB_SECRET_KEY(_PREVIOUS): vendor sessions and platform secrets are stored encrypted with it. */
  secretKeyHex: string;
  secretKeyPreviousHex: string[];
  /** HUB_ALLOW_PRIVATE_URLS: whether vendor calls may reach loopback/private addresses. */
  allowPrivateUrls: boolean;
  vendorTimeoutMs: number;
  reconcile: ReconcileSettings;
}

interface ReconcileServiceDeps {
  /** LISTENs for platform changes; holds the claims, vendor sessions and the report outbox. */
  database: DatabaseHandle;
  /** builtInAndConfiguredAdapters(): the same list the hub loads. */
  adapters: readonly Adapter[];
  /** Where a reconciled report's deliveries go: this process's delivery (its queue hand-off). */
  delivery: ReportsCtx["delivery"];
  metrics: ReconcileCtx["metrics"];
  log: Logger;
}

export interface ReconcileService {
  reconciler: Reconciler;
  /** The platforms as this process knows them (kept fresh by NOTIFY); /metrics labels breakers with them. */
  platforms: Pick<PlatformRegistry, "all" | "get">;
  stop(): Promise<void>;
}

/**
 * Reconciliation in a process that is not a hub (apps/worker, docs/adr/0013): the parts a hub
 * composes for it — the platform registry kept fresh by LISTEN/NOTIFY, vendor calls through the
 * adapters as a bound user (sessions and verify tokens in the shared database), the report ingest
 * into the shadow and the delivery outbox — and the reconciler itself, whose claims and budget in
 * PostgreSQL share the work with every other process (docs/adr/0011).
 */
export async function startReconcileService(
  config: ReconcileServiceConfig,
  deps: ReconcileServiceDeps,
): Promise<ReconcileService> {
  const { database, log } = deps;
  const keyring = keyringFromHex(config.secretKeyHex, config.secretKeyPreviousHex);
  const registry = new PlatformRegistry();
  const platformSync = new PlatformSync(database, database.db, keyring, registry, log);
  await platformSync.start();
  const http = createVendorHttp({
    timeoutMs: config.vendorTimeoutMs,
    blockPrivateAddresses: !config.allowPrivateUrls,
  });
  const reconciler = startReconciler({
    db: database.db,
    keyring,
    sessions: new SessionCache(),
    adapters: createAdapterRegistry([...deps.adapters]),
    http,
    hubPlatId: config.hubPlatId,
    now: () => new Date(),
    log,
    metrics: deps.metrics,
    registry,
    reports: { ingestDb: database.db, notifier: database, delivery: deps.delivery },
    settings: config.reconcile,
  });
  return {
    reconciler,
    platforms: registry,
    async stop() {
      await reconciler.stop();
      await platformSync.stop();
      await http.close();
    },
  };
}
