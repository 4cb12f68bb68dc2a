import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRedis, type RedisConnection } from "../src/bullmq/redis.ts";
import { RedisLossWatch } from "../src/bullmq/redis-watch.ts";
import { servicesCheck, TEST_REDIS_URL, uniquePrefix } from "../src/testing/index.ts";

const svc = await servicesCheck(true);
if (!svc.ok) console.warn(`redis-watch.test.ts ${svc.message}`);

// A restart (run_id) and a failover (new master) are covered by apps/worker's redis-lost and
// redis-cluster tests, on redis-servers of their own; the shared Redis is never flushed here.
describe.skipIf(!svc.ok)("RedisLossWatch on the shared Redis", () => {
  let conn: RedisConnection;
  const keys = [0, 1].map((s) => `${uniquePrefix(`watch-${s}`)}:deliveries:yunlian-epoch`);
  beforeAll(async () => {
    conn = openRedis(TEST_REDIS_URL, "queue");
    await new Promise((resolve) => conn.once("ready", resolve));
  });
  afterAll(async () => {
    await Promise.all(keys.map((k) => conn.del(k)));
    await conn.quit();
  });

  it("says so at start when no marker was kept, then not while they stay; a vanished marker is a loss", async () => {
    const watch = new RedisLossWatch(conn, keys);
    expect(await watch.check()).toMatch(/^marker key gone: /);
    expect(await watch.check()).toBeUndefined();
    // A second worker finds the markers the first one keeps: nothing lost.
    expect(await new RedisLossWatch(conn, keys).check()).toBeUndefined();
    // What FLUSHALL or a node replaced empty does to one shard.
    await conn.del(keys[1] ?? "");
    expect(await watch.check()).toBe(`marker key gone: ${keys[1]}`);
    expect(await watch.check()).toBeUndefined();
  });
});
