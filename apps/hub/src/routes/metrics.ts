import cluster from "node:cluster";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Hono } from "hono";
import type { Registry } from "prom-client";
import type { HubEnv } from "../lib/hono-env.ts";
import { unauthorized } from "../lib/hub-error.ts";
import { clusterMetricsText } from "../observability/cluster-metrics.ts";
import type { UnauthBudgetLike } from "../security/unauth-budget.ts";

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * GET /metrics: Prometheus text format (see observability/metrics.ts for what is exported);
 * with several HTTP processes, the sum over all of them (cluster-metrics.ts). It names every
 * platform and its traffic, so it answers 401 unless the scrape sends
 * `Authorization: Bearer <HUB_METRICS_TOKEN or the operator token>` (docs/design.md §7).
 */
export function registerMetrics(
  app: Hono<HubEnv>,
  registry: Registry,
  tokens: { metricsToken?: string; adminToken: string },
  unauthBudget: UnauthBudgetLike,
) {
  const accepted = [tokens.metricsToken, tokens.adminToken]
    .filter((t): t is string => t !== undefined && t !== "")
    .map(sha256);
  app.get("/metrics", async (c) => {
    const given = bearerToken(c.req.header("authorization"));
    // Every accepted token is compared (constant time each), so timing tells nothing of which.
    let ok = false;
    if (given !== undefined) {
      const hash = sha256(given);
      for (const t of accepted) ok = timingSafeEqual(hash, t) || ok;
    }
    if (!ok) {
      await unauthBudget.charge(c.env.incoming);
      throw unauthorized("metrics: send Authorization: Bearer <HUB_METRICS_TOKEN or HUB_ADMIN_TOKEN>");
    }
    const text = cluster.isWorker ? await clusterMetricsText() : await registry.metrics();
    return c.body(text, 200, { "content-type": registry.contentType });
  });
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec((header ?? "").trim());
  return match?.[1];
}
