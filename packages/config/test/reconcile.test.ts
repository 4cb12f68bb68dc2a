import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEnv, reconcileEnv, reconcileSettings } from "../src/index.ts";

const load = (env: Record<string, string>) => reconcileSettings(parseEnv(z.object(reconcileEnv), env, "hub"));

describe("reconciliation settings", () => {
  it("defaults: 60 calls per vendor and minute, each device hourly, a look every second", () => {
    expect(load({})).toEqual({ ratePerMinute: 60, intervalMs: 3_600_000, tickMs: 1000 });
  });

  it("reads the rate as a whole number (0 = off) and the others as durations, naming a bad one", () => {
    expect(
      load({ HUB_RECONCILE_RATE: "0", HUB_RECONCILE_INTERVAL: "15m", HUB_RECONCILE_TICK: "5s" }),
    ).toEqual({
      ratePerMinute: 0,
      intervalMs: 900_000,
      tickMs: 5000,
    });
    expect(() => load({ HUB_RECONCILE_RATE: "-1" })).toThrow(/HUB_RECONCILE_RATE/);
    expect(() => load({ HUB_RECONCILE_RATE: "2.5" })).toThrow(/HUB_RECONCILE_RATE/);
    expect(() => load({ HUB_RECONCILE_INTERVAL: "hourly" })).toThrow(/HUB_RECONCILE_INTERVAL/);
  });
});
