import { deliveries } from "@yunlian/db";
import { servicesRequired } from "@yunlian/db/testing";
import { DEFAULT_QUEUE_NAME, deliverJob } from "@yunlian/delivery";
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient } from "./support/client.ts";
import { postgresOrSkip } from "./support/harness.ts";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

/** Production shape: PostgreSQL + REDIS_URL, the hub running a BullMQ relay and worker beside it. */
async function servicesOrSkip(): Promise<boolean> {
  if (!(await postgresOrSkip())) return false;
  if (await redisAvailable()) return true;
  if (servicesRequired())
    throw new Error(`Redis at ${TEST_REDIS_URL} is required (TEST_REQUIRE_SERVICES/CI)`);
  console.warn("Redis is not reachable: skipping the BullMQ variant");
  return false;
}

describe("status reports through the hub with REDIS_URL (BullMQ)", () => {
  let w: World | undefined;

  beforeAll(async () => {
    if (!(await servicesOrSkip())) return;
    w = await startWorld("postgres", { REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: uniquePrefix("hub") });
  }, 60_000);
  afterAll(async () => w?.close());

  it("delivers every report of a burst exactly to the subscribed platform, signed", async (ctx) => {
    if (!w) return ctx.skip();
    const world = w;
    const a = world.vendors[0];
    if (!a) throw new Error("vendor");
    const alice = await loginAs(world, "alice", "alice-token-1");
    const [d1, d2] = a.deviceIds;
    if (!d1 || !d2) throw new Error("devices");
    await world.call("user/bindDevices", { UserID: alice.userId, Device: devices([d1, d2]) });
    const asA = platformClient(world.hub.url, { platId: a.platId, appSecret: a.appSecret });
    for (let i = 0; i < 20; i++) {
      const res = await asA("dataservices/dataGateway", {
        DeviceID: i % 2 === 0 ? d1 : d2,
        DataType: "attr",
        DeviceStatus: { runningstatus: String(i % 4) },
        TimeStamp: String(Date.now()),
      });
      expect(res.body.RetCode).toBe("200");
    }
    const received = await world.app.waitForReports(20, 15_000);
    expect(new Set(received.map((r) => r.webhookId)).size).toBe(20);
    await new Promise((r) => setTimeout(r, 300));
    expect(world.app.reports).toHaveLength(20); // no duplicate deliveries either
    expect(received.every((r) => r.signatureValid)).toBe(true);
    expect(world.hub.hub.delivery.mode).toBe("bullmq");
  }, 30_000);
});

/** HUB_WORKERS=0: apps/worker processes deliver, and this hub queues what it ingests itself. */
describe("a hub without workers queues the reports it ingests", () => {
  let w: World | undefined;
  const prefix = uniquePrefix("hub-noworkers");
  let conn: Redis | undefined;

  beforeAll(async () => {
    if (!(await servicesOrSkip())) return;
    w = await startWorld("postgres", {
      REDIS_URL: TEST_REDIS_URL,
      HUB_QUEUE_PREFIX: prefix,
      HUB_WORKERS: "0",
    });
    conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    await conn?.quit();
  });

  it("each delivery is a job in the workers' queue when the hub answers, its first request ready", async (ctx) => {
    if (!w || !conn) return ctx.skip();
    const world = w;
    const a = world.vendors[0];
    const d1 = a?.deviceIds[0];
    if (!a || !d1) throw new Error("vendor");
    const alice = await loginAs(world, "alice", "alice-token-1");
    await world.call("user/bindDevices", { UserID: alice.userId, Device: devices([d1]) });
    const asA = platformClient(world.hub.url, { platId: a.platId, appSecret: a.appSecret });
    for (let i = 0; i < 3; i++) {
      const res = await asA("dataservices/dataGateway", {
        DeviceID: d1,
        DataType: "attr",
        DeviceStatus: { runningstatus: String(i) },
        TimeStamp: String(Date.now()),
      });
      expect(res.body.RetCode).toBe("200");
    }
    expect(world.hub.hub.delivery.mode).toBe("none");
    const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: conn, prefix });
    try {
      const rows = await world.hub.hub.database.db.select().from(deliveries);
      expect(rows).toHaveLength(3);
      // Nothing relays in this process: the jobs are there because ingest put them there.
      for (const row of rows) {
        expect(row.enqueuedAt).toBeNull();
        let job = await queue.getJob(row.id);
        for (let i = 0; !job && i < 50; i++) {
          await new Promise((r) => setTimeout(r, 20)); // the hand-off follows the commit
          job = await queue.getJob(row.id);
        }
        const { deliveryId, prepared } = deliverJob.payload.parse(job?.data);
        expect(deliveryId).toBe(row.id);
        expect(prepared).toMatchObject({ attempt: 1, platId: "APP-PLAT-0001" });
        expect(prepared?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/dataservices\/dataGateway$/);
      }
      // Counted for operators: a failing hand-off shows up before the backlog does.
      const metrics = await fetch(`${world.hub.url}/metrics`, {
        headers: { authorization: `Bearer ${world.hub.adminToken}` },
      });
      expect(await metrics.text()).toMatch(/^yunlian_delivery_handoffs_total\{outcome="queued"\} 3$/m);
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
  }, 30_000);
});
