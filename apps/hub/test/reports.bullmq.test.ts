import { servicesRequired } from "@yunlian/db/testing";
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient } from "./support/client.ts";
import { postgresOrSkip } from "./support/harness.ts";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

/** Production shape: PostgreSQL + REDIS_URL, the hub running a BullMQ relay and worker beside it. */
describe("status reports through the hub with REDIS_URL (BullMQ)", () => {
  let w: World | undefined;

  beforeAll(async () => {
    if (!(await postgresOrSkip())) return;
    if (!(await redisAvailable())) {
      if (servicesRequired())
        throw new Error(`Redis at ${TEST_REDIS_URL} is required (TEST_REQUIRE_SERVICES/CI)`);
      console.warn("Redis is not reachable: skipping the BullMQ variant");
      return;
    }
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
    expect(world.hub.hub.services.delivery.mode).toBe("bullmq");
  }, 30_000);
});
