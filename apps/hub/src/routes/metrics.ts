import cluster from "node:cluster";
import type { Hono } from "hono";
import type { Registry } from "prom-client";
import type { HubEnv } from "../lib/hono-env.ts";
import { unauthorized } from "../lib/hub-error.ts";
import { clusterMetricsText } from "../observability/cluster-metrics.ts";
import { metricsScrapeCheck } from "../observability/metrics-auth.ts";
import type { OperatorAuth } from "../security/operator-auth.ts";
import type { UnauthBudgetLike } from "../security/unauth-budget.ts";

/**
 * GET /metrics: Prometheus text format (see observability/metrics.ts for what is exported);
 * with several HTTP processes, the sum over all of them (cluster-metrics.ts). It names every
 * platform and its traffic, so it answers 401 unless the scrape sends `Authorization: Bearer`
 * with HUB_METRICS_TOKEN, the operator token or an operator key of any scope (docs/design.md §7).
 */
export function registerMetrics(
  app: Hono<HubEnv>,
  registry: Registry,
  tokens: { metricsToken?: string; operators: OperatorAuth },
  unauthBudget: UnauthBudgetLike,
) {
  const allowed = metricsScrapeCheck(tokens);
  app.get("/metrics", async (c) => {
    const ok = await allowed(c.req.header("authorization"));
    if (!ok) {
      await unauthBudget.charge(c.env.incoming);
      throw unauthorized(
        "metrics: send Authorization: Bearer <HUB_METRICS_TOKEN, HUB_ADMIN_TOKEN or an operator key>",
      );
    }
    const text = cluster.isWorker ? await clusterMetricsText() : await registry.metrics();
    return c.body(text, 200, { "content-type": registry.contentType });
  });
}
