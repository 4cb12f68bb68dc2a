import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEnv, retentionEnv, retentionSettings } from "../src/index.ts";

const DAY = 86_400_000;
const load = (env: Record<string, string>) => retentionSettings(parseEnv(z.object(retentionEnv), env, "hub"));

describe("retention settings", () => {
  it("defaults: reports 30 days, settled deliveries 14, audit log 400, a run every hour", () => {
    expect(load({})).toEqual({
      retention: { reports: 30 * DAY, deliveries: 14 * DAY, audit: 400 * DAY },
      intervalMs: 3_600_000,
    });
  });

  it("reads each variable as a duration, and names a malformed one", () => {
    expect(
      load({
        HUB_RETENTION_REPORTS: "7d",
        HUB_RETENTION_DELIVERIES: "36h",
        HUB_RETENTION_AUDIT: "730d",
        HUB_RETENTION_INTERVAL: "10m",
      }),
    ).toEqual({
      retention: { reports: 7 * DAY, deliveries: 1.5 * DAY, audit: 730 * DAY },
      intervalMs: 600_000,
    });
    expect(() => load({ HUB_RETENTION_DELIVERIES: "two weeks" })).toThrow(/HUB_RETENTION_DELIVERIES/);
  });
});
