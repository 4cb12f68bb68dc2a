import { describe, expect, it } from "vitest";
import { isClusterUrl } from "../src/bullmq/redis.ts";
import { allShards, shardOf, shardPrefix } from "../src/bullmq/shards.ts";

describe("delivery queue shards", () => {
  it("a platform always lands on the same shard, and platforms spread over all of them", () => {
    const platIds = Array.from({ length: 400 }, (_, i) => `APP-${i}`);
    const first = platIds.map((p) => shardOf(p, 8));
    expect(platIds.map((p) => shardOf(p, 8))).toEqual(first);
    const counts = allShards(8).map((s) => first.filter((x) => x === s).length);
    // 400 over 8: every shard gets a fair share (50 ± a hash's unevenness).
    for (const c of counts) expect(c).toBeGreaterThan(25);
    expect(shardOf("APP-1", 1)).toBe(0);
  });

  it("one shard keeps the prefix; more get a hash tag each", () => {
    expect(shardPrefix("{yunlian}", 0, 1)).toBe("{yunlian}");
    expect(allShards(3).map((s) => shardPrefix("{yunlian}", s, 3))).toEqual([
      "{yunlian-0}",
      "{yunlian-1}",
      "{yunlian-2}",
    ]);
    expect(shardPrefix("bull", 2, 4)).toBe("{bull-2}");
  });

  it("REDIS_URL names a cluster with ?cluster=1", () => {
    expect(isClusterUrl("redis://127.0.0.1:7000?cluster=1")).toBe(true);
    expect(isClusterUrl("rediss://u:p@redis.example:7000/?cluster=true")).toBe(true);
    expect(isClusterUrl("redis://127.0.0.1:6379")).toBe(false);
    expect(isClusterUrl("redis://127.0.0.1:6379?cluster=0")).toBe(false);
  });
});
