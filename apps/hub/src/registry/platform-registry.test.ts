import { describe, expect, it } from "vitest";
import type { PlatformRecord } from "./platform-record.ts";
import { PlatformRegistry } from "./platform-registry.ts";

function record(platId: string, codes: string[], appId = `APP-${platId}`): PlatformRecord {
  const now = new Date();
  return {
    platId,
    name: platId,
    adapter: "standard",
    adapterConfig: {},
    apiBaseUrl: "http://x/v1",
    verifyUrl: null,
    dataGatewayUrl: null,
    vendorAppId: null,
    appId,
    securityMode: "hmac",
    httpStatus: "mirror",
    certFingerprints: [],
    manufacturerCodes: codes,
    appSecret: { current: "whsec_x" },
    webhookSecret: { current: "whsec_y" },
    dataGatewayDisabledAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

describe("PlatformRegistry", () => {
  it("routes a UDeviceID to the owner of its manufacturer code", () => {
    const r = new PlatformRegistry();
    r.put(record("A", ["000006", "000016"]));
    r.put(record("B", ["000007"]));
    expect(r.vendorFor("0000060102002001X")?.platId).toBe("A");
    expect(r.vendorFor("0000160102002001X")?.platId).toBe("A");
    expect(r.vendorFor("0000070102002001X")?.platId).toBe("B");
    expect(r.vendorFor("0000080102002001X")).toBeUndefined();
    expect(r.vendorFor("short")).toBeUndefined();
  });

  it("re-indexes on replace: dropped codes and the old AppID no longer resolve", () => {
    const r = new PlatformRegistry();
    r.put(record("A", ["000006"], "APP1"));
    r.put(record("A", ["000009"], "APP2"));
    expect(r.ownerOfCode("000006")).toBeUndefined();
    expect(r.ownerOfCode("000009")?.platId).toBe("A");
    expect(r.getByAppId("APP1")).toBeUndefined();
    expect(r.getByAppId("APP2")?.platId).toBe("A");
    r.remove("A");
    expect(r.size).toBe(0);
    expect(r.ownerOfCode("000009")).toBeUndefined();
  });
});
