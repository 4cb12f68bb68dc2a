import { describe, expect, it } from "vitest";
import { tuyaConfigSchema } from "../src/index.ts";
import { tuyaSimAdapterConfig } from "../src/sim/index.ts";

describe("tuya config schema", () => {
  it("accepts the simulator's config and fills defaults", () => {
    const parsed = tuyaConfigSchema.parse(tuyaSimAdapterConfig());
    expect(parsed.tokenRefreshMarginSeconds).toBe(60);
    expect(parsed.countryCode).toBe("86");
    expect(parsed.deviceTypes["03001"]?.dataPoints.targetTemperature).toMatchObject({
      code: "temp_set",
      scale: 1,
    });
  });

  it("rejects a config without the secret, an enum without values, or a bad type key", () => {
    const { clientSecret: _, ...noSecret } = tuyaSimAdapterConfig();
    expect(tuyaConfigSchema.safeParse(noSecret).success).toBe(false);
    const enumless = tuyaSimAdapterConfig();
    enumless.deviceTypes = { "02002": { dataPoints: { mode: { code: "mode", type: "enum" } } } };
    expect(tuyaConfigSchema.safeParse(enumless).success).toBe(false);
    expect(
      tuyaConfigSchema.safeParse({ ...tuyaSimAdapterConfig(), deviceTypes: { washer: { dataPoints: {} } } })
        .success,
    ).toBe(false);
  });
});
