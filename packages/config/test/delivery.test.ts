import { describe, expect, it } from "vitest";
import { DEFAULT_HUB_PLAT_ID, loadDeliverySettings } from "../src/index.ts";

describe("delivery settings", () => {
  it("defaults: the documented schedule, the hub's default PlatID, private addresses refused", () => {
    expect(loadDeliverySettings({})).toEqual({
      hubPlatId: DEFAULT_HUB_PLAT_ID,
      blockPrivateAddresses: true,
      backoff: [
        0, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000,
        86_400_000,
      ],
      timeoutMs: 10_000,
      breaker: { failureThreshold: 5, cooldownMs: 30_000 },
      endpointConcurrency: 8,
    });
  });

  it("HUB_ALLOW_PRIVATE_URLS=1 reaches delivery as blockPrivateAddresses=false", () => {
    expect(loadDeliverySettings({ HUB_ALLOW_PRIVATE_URLS: "1" }).blockPrivateAddresses).toBe(false);
    expect(loadDeliverySettings({ HUB_ALLOW_PRIVATE_URLS: "0" }).blockPrivateAddresses).toBe(true);
  });

  it("reads every knob", () => {
    expect(
      loadDeliverySettings({
        HUB_PLAT_ID: "HUB-2",
        HUB_DELIVERY_BACKOFF: "0s,1s",
        HUB_DELIVERY_TIMEOUT_MS: "2000",
        HUB_DELIVERY_LEASE_MS: "9000",
        HUB_DELIVERY_BREAKER_THRESHOLD: "3",
        HUB_DELIVERY_BREAKER_COOLDOWN_MS: "1000",
        HUB_DELIVERY_ENDPOINT_CONCURRENCY: "2",
      }),
    ).toEqual({
      hubPlatId: "HUB-2",
      blockPrivateAddresses: true,
      backoff: [0, 1_000],
      timeoutMs: 2_000,
      leaseMs: 9_000,
      breaker: { failureThreshold: 3, cooldownMs: 1_000 },
      endpointConcurrency: 2,
    });
  });

  it("names every bad variable", () => {
    expect(() =>
      loadDeliverySettings({
        HUB_DELIVERY_BACKOFF: "0s,soon",
        HUB_DELIVERY_TIMEOUT_MS: "soon",
        HUB_ALLOW_PRIVATE_URLS: "yes",
      }),
    ).toThrow(
      [
        "invalid delivery configuration:",
        '  HUB_ALLOW_PRIVATE_URLS: must be "0" or "1"',
        '  HUB_DELIVERY_BACKOFF: entry 2: "soon" is not a duration (a number with ms, s, m, h or d: 500ms, 30s, 2m, 12h, 30d)',
        "  HUB_DELIVERY_TIMEOUT_MS: must be a whole number",
      ].join("\n"),
    );
  });
});
