import { describe, expect, it } from "vitest";
import { loadWorkerConfig } from "../src/index.ts";
import { spawnWorker } from "./support.ts";

const valid = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
  REDIS_URL: "redis://127.0.0.1:6379",
  HUB_SECRET_KEY: "11".repeat(32),
};

describe("worker configuration", () => {
  it("reads the shared delivery settings as the hub does, HUB_ALLOW_PRIVATE_URLS included", () => {
    const c = loadWorkerConfig({
      ...valid,
      HUB_DELIVERY_LEASE_MS: "2000",
      HUB_WORKER_SWEEP_GRACE_MS: "1500",
    });
    expect(c).toMatchObject({ concurrency: 64, sweepGraceMs: 1500, logLevel: "info" });
    expect(c.delivery).toMatchObject({
      hubPlatId: "YUNLIAN-HUB-0000",
      leaseMs: 2000,
      blockPrivateAddresses: true,
    });
    expect(loadWorkerConfig({ ...valid, HUB_ALLOW_PRIVATE_URLS: "1" }).delivery.blockPrivateAddresses).toBe(
      false,
    );
  });

  it("reads the delivery shards and the subset this worker takes", () => {
    expect(loadWorkerConfig(valid)).toMatchObject({ shards: 1, workerShards: undefined });
    expect(
      loadWorkerConfig({ ...valid, HUB_DELIVERY_SHARDS: "8", HUB_WORKER_SHARDS: "0, 1,5" }),
    ).toMatchObject({ shards: 8, workerShards: [0, 1, 5] });
    expect(() => loadWorkerConfig({ ...valid, HUB_DELIVERY_SHARDS: "4", HUB_WORKER_SHARDS: "1,4" })).toThrow(
      "HUB_WORKER_SHARDS: must name shards from 0 to HUB_DELIVERY_SHARDS - 1 (3)",
    );
    expect(() => loadWorkerConfig({ ...valid, HUB_WORKER_SHARDS: "a" })).toThrow(
      "HUB_WORKER_SHARDS.0: each shard must be a whole number, 0 or more",
    );
    expect(() => loadWorkerConfig({ ...valid, HUB_DELIVERY_SHARDS: "0" })).toThrow(
      "HUB_DELIVERY_SHARDS: must be above 0",
    );
  });

  it("reads what reconciliation needs, as the hub reads it: HUB_RECONCILE_*, HUB_ADAPTERS, the vendor timeout", () => {
    expect(loadWorkerConfig(valid, "/srv/yunlian")).toMatchObject({
      reconcile: { ratePerMinute: 60, intervalMs: 3_600_000, tickMs: 1_000 },
      adapterPackages: { specs: [], from: "/srv/yunlian" },
      vendorTimeoutMs: 5000,
    });
    const c = loadWorkerConfig(
      {
        ...valid,
        HUB_RECONCILE_RATE: "0",
        HUB_RECONCILE_INTERVAL: "30m",
        HUB_ADAPTERS: "@acme/yunlian-adapter-foo, ./adapters/bar",
        INIT_CWD: "/home/op",
        HUB_VENDOR_TIMEOUT_MS: "2500",
      },
      "/elsewhere",
    );
    expect(c).toMatchObject({
      reconcile: { ratePerMinute: 0, intervalMs: 1_800_000 },
      adapterPackages: { specs: ["@acme/yunlian-adapter-foo", "./adapters/bar"], from: "/home/op" },
      vendorTimeoutMs: 2500,
    });
  });

  it("serves /metrics on 9465 once a scrape token is set; 0 turns it off; a port without a token is refused", () => {
    const token = "m".repeat(32);
    expect(loadWorkerConfig(valid).metrics).toBeUndefined();
    expect(loadWorkerConfig({ ...valid, HUB_METRICS_TOKEN: token })).toMatchObject({
      metrics: { port: 9465, host: "0.0.0.0" },
      metricsToken: token,
    });
    expect(loadWorkerConfig({ ...valid, HUB_ADMIN_TOKEN: token }).metrics).toMatchObject({ port: 9465 });
    expect(
      loadWorkerConfig({ ...valid, HUB_METRICS_TOKEN: token, HUB_WORKER_METRICS_PORT: "0" }).metrics,
    ).toBeUndefined();
    expect(
      loadWorkerConfig({
        ...valid,
        HUB_METRICS_TOKEN: token,
        HUB_WORKER_METRICS_PORT: "9100",
        HUB_WORKER_METRICS_HOST: "127.0.0.1",
      }).metrics,
    ).toEqual({ port: 9100, host: "127.0.0.1" });
    expect(() => loadWorkerConfig({ ...valid, HUB_WORKER_METRICS_PORT: "9465" })).toThrow(
      "HUB_WORKER_METRICS_PORT: serves /metrics, which answers only a scrape that sends HUB_METRICS_TOKEN (or HUB_ADMIN_TOKEN): set one of them, or 0 for no endpoint",
    );
    expect(() =>
      loadWorkerConfig({ ...valid, HUB_WORKER_METRICS_PORT: "70000", HUB_METRICS_TOKEN: "short" }),
    ).toThrow(
      [
        "invalid worker configuration:",
        "  HUB_WORKER_METRICS_PORT: must be a port number (0-65535, 0 = no metrics endpoint)",
        "  HUB_METRICS_TOKEN: must be at least 32 characters",
      ].join("\n"),
    );
  });

  it("names every missing or bad variable in one message", () => {
    expect(() =>
      loadWorkerConfig({ HUB_SECRET_KEY: "abc", HUB_WORKER_CONCURRENCY: "0", REDIS_URL: "" }),
    ).toThrow(
      [
        "invalid worker configuration:",
        "  DATABASE_URL: required: the worker reads the delivery outbox from PostgreSQL",
        "  REDIS_URL: required: apps/worker runs BullMQ (embedded delivery runs inside the hub instead)",
        "  HUB_SECRET_KEY: must be 32 bytes as 64 hex characters",
        "  HUB_WORKER_CONCURRENCY: must be above 0",
      ].join("\n"),
    );
  });

  it("the process stops at start with that message and exit code 1", async () => {
    const worker = spawnWorker({ REDIS_URL: valid.REDIS_URL, HUB_DELIVERY_BACKOFF: "soon" });
    expect(await worker.exited).toBe(1);
    const output = worker.output.join("");
    expect(output).toContain("worker failed to start: invalid worker configuration:");
    expect(output).toContain("  DATABASE_URL: required");
    expect(output).toContain("  HUB_SECRET_KEY: required");
    expect(output).toContain('  HUB_DELIVERY_BACKOFF: entry 1: "soon" is not a duration');
  });
});
