import type { Hono } from "hono";
import type { HubEnv } from "../lib/hono-env.ts";

/** GET /metrics: Prometheus text format (see observability/metrics.ts for what is exported). */
export function registerMetrics(app: Hono<HubEnv>) {
  app.get("/metrics", async (c) => {
    const { registry } = c.get("services").metrics;
    return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
  });
}
