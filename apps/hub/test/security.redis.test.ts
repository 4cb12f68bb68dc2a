import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisRateLimiter } from "../src/security/redis-rate-limit.ts";
import { RedisReplayStore } from "../src/security/redis-replay.ts";

/** With REDIS_URL, every hub instance shares the rate-limit buckets and the replay store. */
describe("rate limits and replay ids shared through Redis", () => {
  let a: Redis;
  let b: Redis;
  let skip = false;
  const log = pino({ level: "silent" });

  beforeAll(async () => {
    if (!(await redisAvailable())) {
      if (process.env.TEST_REQUIRE_SERVICES || process.env.CI)
        throw new Error(`Redis at ${TEST_REDIS_URL} is required`);
      skip = true;
      return;
    }
    // Two connections stand for two hub instances.
    a = new Redis(TEST_REDIS_URL);
    b = new Redis(TEST_REDIS_URL);
  });
  afterAll(() => {
    a?.disconnect();
    b?.disconnect();
  });

  it("two instances draw from one bucket per platform", async (ctx) => {
    if (skip) return ctx.skip();
    const prefix = `${uniquePrefix("rl")}:`;
    const limit = { perSecond: 1, burst: 4 };
    const one = new RedisRateLimiter(a, limit, log, prefix);
    const two = new RedisRateLimiter(b, limit, log, prefix);
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push((await one.take("P")).allowed, (await two.take("P")).allowed);
    }
    expect(results.filter(Boolean)).toHaveLength(4);
    const refused = await two.take("P");
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect((await one.take("OTHER")).allowed).toBe(true);
  });

  it("a webhook-id claimed on one instance is a replay on the other", async (ctx) => {
    if (skip) return ctx.skip();
    const prefix = `${uniquePrefix("replay")}:`;
    const one = new RedisReplayStore(a, 60_000, log, prefix);
    const two = new RedisReplayStore(b, 60_000, log, prefix);
    expect(await one.claim("P\u0000msg_1")).toBe(true);
    expect(await two.claim("P\u0000msg_1")).toBe(false);
    expect(await two.claim("P\u0000msg_2")).toBe(true);
  });

  it("falls back to per-instance memory when Redis is unreachable", async () => {
    const down = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    down.on("error", () => {});
    const limiter = new RedisRateLimiter(down, { perSecond: 1, burst: 1 }, log);
    expect((await limiter.take("P")).allowed).toBe(true);
    expect((await limiter.take("P")).allowed).toBe(false);
    const replay = new RedisReplayStore(down, 60_000, log);
    expect(await replay.claim("k")).toBe(true);
    expect(await replay.claim("k")).toBe(false);
    down.disconnect();
  });
});
