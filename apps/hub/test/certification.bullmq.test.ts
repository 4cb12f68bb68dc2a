import { servicesRequired } from "@yunlian/db/testing";
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { startDeviceCloud } from "@yunlian/vendor-sim";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certify, describeRun, failedClauses } from "./support/certification.ts";
import { adminClient } from "./support/client.ts";
import { freePort, postgresOrSkip, startTestHub, type TestHub } from "./support/harness.ts";

async function servicesOrSkip(): Promise<boolean> {
  if (!(await postgresOrSkip())) return false;
  if (await redisAvailable()) return true;
  if (servicesRequired())
    throw new Error(`Redis at ${TEST_REDIS_URL} is required (TEST_REQUIRE_SERVICES/CI)`);
  console.warn("Redis is not reachable: skipping the BullMQ variant");
  return false;
}

/** Production shape: PostgreSQL + REDIS_URL, certification runs as BullMQ jobs under the hub's queue prefix. */
describe("certification runs as BullMQ jobs", () => {
  let hub: TestHub | undefined;
  const prefix = uniquePrefix("cert");
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    if (!(await servicesOrSkip())) return;
    hub = await startTestHub("postgres", {
      REDIS_URL: TEST_REDIS_URL,
      HUB_QUEUE_PREFIX: prefix,
      HUB_CERTIFICATION_REPORT_WAIT: "5s",
    });
  }, 60_000);
  afterAll(async () => {
    for (const close of closers) await close();
    await hub?.close();
  });

  it("certifies the standard simulator through the queue under the hub's prefix", async (ctx) => {
    if (!hub) return ctx.skip();
    expect(hub.hub.certificationJobs.mode).toBe("bullmq");
    const admin = adminClient(hub.url, hub.adminToken);
    const port = await freePort();
    const reg = await admin.post("/admin/v1/platforms", {
      platId: "CERT-Q-0001",
      name: "Queued",
      manufacturerCodes: ["000041"],
      adapter: "standard",
      apiBaseUrl: `http://127.0.0.1:${port}/v1`,
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const cloud = await startDeviceCloud({
      platId: "CERT-Q-0001",
      manufacturerCode: "000041",
      port,
      verifyUrl: `${hub.url}/v1/user/verify`,
      ingestUrl: `${hub.url}${String(reg.body.ingestUrl)}`,
      appSecret: String(reg.body.appSecret),
      reportOnOp: true,
    });
    closers.push(() => cloud.close());
    const run = await certify(admin, "CERT-Q-0001", { devices: [...cloud.devices.keys()].slice(0, 1) });
    expect(failedClauses(run), describeRun(run)).toEqual([]);
    expect(run.status).toBe("passed");
    // The job went through Redis under the hub's prefix, and is gone once done.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}:certification:*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.some((k) => k.endsWith(`:${run.runId}`))).toBe(false);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
