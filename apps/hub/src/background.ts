import type { Database } from "@yunlian/db";
import { metricsScrapeCheck } from "./observability/metrics-auth.ts";
import { OperatorAuth } from "./security/operator-auth.ts";

/**
 * The hub's part of apps/worker (package.json exports "./background", docs/adr/0013): the worker
 * delivers with @yunlian/delivery and runs these beside it — the adapters the hub loads,
 * reconciliation, and /metrics under the hub's metric names and scrape rule. Nothing here serves
 * HTTP or starts on import.
 */
export { builtInAndConfiguredAdapters } from "./adapters.ts";
export { metricsSources } from "./observability/metrics-sources.ts";
export { WorkerMetrics } from "./observability/worker-metrics.ts";
export {
  type ReconcileService,
  type ReconcileServiceConfig,
  startReconcileService,
} from "./services/reconcile/reconcile-service.ts";

/**
 * The hub's /metrics rule for a worker: HUB_METRICS_TOKEN, or — when the worker is given
 * HUB_ADMIN_TOKEN — the operator token or an operator key. Answers whether an Authorization
 * header may scrape.
 */
export function workerScrapeCheck(
  db: Database,
  tokens: { metricsToken?: string; adminToken?: string },
): (authorization: string | undefined) => Promise<boolean> {
  return metricsScrapeCheck({
    ...(tokens.metricsToken ? { metricsToken: tokens.metricsToken } : {}),
    ...(tokens.adminToken ? { operators: new OperatorAuth(db, tokens.adminToken) } : {}),
  });
}
