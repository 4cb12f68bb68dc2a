import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEnv, retentionEnv, retentionSettings } from "../src/index.ts";

const DAY = 86_400_000;
const load = (env: Record<string, string>) => retentionSettings(parseEnv(z.object(retentionEnv), env, "hub"));

describe("retention settings", () => {
  it("defaults: reports 30 days, settled deliveries 14, audit log 400, ops 1, a run every hour", () => {
    expect(load({})).toEqual({
      retention: { reports: 30 * DAY, deliveries: 14 * DAY, audit: 400 * DAY, ops: DAY },
      intervalMs: 3_600_000,
      partitionMs: DAY,
    });
  });

  it("reads each variable as a duration, and names a malformed one", () => {
    expect(
      load({
        HUB_RETENTION_REPORTS: "7d",
        HUB_RETENTION_DELIVERIES: "36h",
        HUB_RETENTION_AUDIT: "730d",
        HUB_RETENTION_OPS: "48h",
        HUB_RETENTION_INTERVAL: "10m",
      }),
    ).toEqual({
      retention: { reports: 7 * DAY, deliveries: 1.5 * DAY, audit: 730 * DAY, ops: 2 * DAY },
      intervalMs: 600_000,
      partitionMs: DAY,
    });
    expect(() => load({ HUB_RETENTION_DELIVERIES: "two weeks" })).toThrow(/HUB_RETENTION_DELIVERIES/);
  });

  it("a soak's settings: minutes for retention and for the partition interval", () => {
    expect(
      load({
        HUB_RETENTION_REPORTS: "4m",
        HUB_RETENTION_DELIVERIES: "4m",
        HUB_RETENTION_INTERVAL: "30s",
        HUB_PARTITION_INTERVAL: "2m",
      }),
    ).toMatchObject({
      retention: { reports: 240_000, deliveries: 240_000 },
      intervalMs: 30_000,
      partitionMs: 120_000,
    });
    expect(load({ HUB_PARTITION_INTERVAL: "1h" }).partitionMs).toBe(3_600_000);
    expect(load({ HUB_PARTITION_INTERVAL: "7d" }).partitionMs).toBe(7 * DAY);
  });

  it("refuses a partition interval that does not line up with UTC days", () => {
    for (const bad of ["7m", "90s", "30s", "25h", "1.5d"])
      expect(() => load({ HUB_PARTITION_INTERVAL: bad }), bad).toThrow(/HUB_PARTITION_INTERVAL/);
  });
});
