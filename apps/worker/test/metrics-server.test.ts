import type { Database } from "@yunlian/db";
import { WorkerMetrics, workerScrapeCheck } from "@yunlian/hub/background";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MetricsServer, startMetricsServer } from "../src/metrics-server.ts";

const METRICS_TOKEN = "m".repeat(40);
const ADMIN_TOKEN = "a".repeat(40);

/**
 * The worker's /metrics endpoint and the hub's scrape rule (docs/design.md §7), without a
 * database: neither token below is shaped like an operator key, so no key is looked up.
 */
describe("the worker's /metrics endpoint", () => {
  let server: MetricsServer;
  beforeAll(async () => {
    const metrics = new WorkerMetrics();
    metrics.driftTotal.inc({ vendor: "VENDOR-A" });
    server = await startMetricsServer({
      port: 0,
      host: "127.0.0.1",
      registry: metrics.registry,
      // No statement is run for these tokens (see above): an empty stand-in for the database.
      allowed: workerScrapeCheck({} as Database, { metricsToken: METRICS_TOKEN, adminToken: ADMIN_TOKEN }),
    });
  });
  afterAll(() => server.close());

  const get = (path: string, token?: string, method = "GET") =>
    fetch(`${server.url}${path}`, {
      method,
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });

  it("answers 401 without the metrics or the admin token", async () => {
    expect((await get("/metrics")).status).toBe(401);
    const wrong = await get("/metrics", "x".repeat(40));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("HUB_METRICS_TOKEN");
  });

  it("serves the Prometheus text to either token, the hub's metric names and Node's process metrics", async () => {
    for (const token of [METRICS_TOKEN, ADMIN_TOKEN]) {
      const res = await get("/metrics", token);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain");
      const text = await res.text();
      expect(text).toContain('yunlian_drift_total{vendor="VENDOR-A"} 1');
      expect(text).toContain("# TYPE yunlian_delivery_attempts_total counter");
      expect(text).toContain("# TYPE yunlian_reconcile_polls_total counter");
      expect(text).toContain("# TYPE yunlian_vendor_calls_total counter");
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    }
    const head = await get("/metrics", METRICS_TOKEN, "HEAD");
    expect(head.status).toBe(200);
  });

  it("serves nothing else", async () => {
    expect((await get("/", METRICS_TOKEN)).status).toBe(404);
    expect((await get("/metrics", METRICS_TOKEN, "POST")).status).toBe(404);
  });
});
