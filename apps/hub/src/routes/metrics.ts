import cluster from "node:cluster";
import type { Hono } from "hono";
import type { Registry } from "prom-client";
import type { HubEnv } from "../lib/hono-env.ts";
import { clusterMetricsText } from "../observability/cluster-metrics.ts";

/**
 * GET /metrics: Prometheus text format (see observability/metrics.ts for what is exported);
 * with several HTTP processes, the sum over all of them (cluster-metrics.ts).
 */
export function registerMetrics(app: Hono<HubEnv>, registry: Registry) {
  app.get("/metrics", async (c) => {
    const text = cluster.isWorker ? await clusterMetricsText() : await registry.metrics();
    return c.body(text, 200, { "content-type": registry.contentType });
  });
}
