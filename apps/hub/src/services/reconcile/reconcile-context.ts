import type { ReconcileSettings } from "@yunlian/config";
import type { WorkerMetrics } from "../../observability/worker-metrics.ts";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import type { ReportsCtx } from "../reports/receive-report.ts";
import type { VendorCtx } from "../vendor/vendor-context.ts";

/** What reconciliation uses: vendor calls as a bound user, the report ingest path, its settings. */
export interface ReconcileCtx extends VendorCtx {
  registry: PlatformRegistry;
  reports: Pick<ReportsCtx, "ingestDb" | "notifier" | "delivery">;
  settings: ReconcileSettings;
  metrics: Pick<WorkerMetrics, "vendorCalls" | "vendorDuration" | "driftTotal" | "reconcilePolls">;
}
