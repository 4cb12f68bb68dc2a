import { describe, expect, it } from "vitest";
import { ingestSegmentIn, ingestSegmentOf, loggablePath } from "./ingest-url.ts";
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
    events: [],
    certFingerprints: [],
    manufacturerCodes: codes,
    appSecret: { current: "whsec_x" },
    webhookSecret: { current: "whsec_y" },
    dataGatewayDisabledAt: null,
    sandbox: false,
    promotedAt: null,
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

  it("names a vendor by its ingestUrl segment: the current one, and the previous one until its grace ends", () => {
    const r = new PlatformRegistry();
    const until = new Date("2026-01-02T00:00:00Z");
    const vendor = {
      ...record("V", ["000006"]),
      appSecret: { current: "whsec_new", previous: { secret: "whsec_old", until } },
    };
    r.put(vendor);
    r.put(record("APP", []));
    const before = new Date(until.getTime() - 1);
    expect(ingestSegmentOf("whsec_new")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.vendorByIngestSegment(ingestSegmentOf("whsec_new"), until)?.platId).toBe("V");
    expect(r.vendorByIngestSegment(ingestSegmentOf("whsec_old"), before)?.platId).toBe("V");
    expect(r.vendorByIngestSegment(ingestSegmentOf("whsec_old"), until)).toBeUndefined();
    // An app platform (no manufacturer codes) has no ingestUrl.
    expect(r.vendorByIngestSegment(ingestSegmentOf("whsec_x"), before)).toBeUndefined();
    r.remove("V");
    expect(r.vendorByIngestSegment(ingestSegmentOf("whsec_new"), before)).toBeUndefined();
  });

  it("reads the segment only from an ingestUrl path, and keeps it out of logs", () => {
    expect(ingestSegmentIn("/v1/dataservices/dataGateway/abc")).toBe("abc");
    expect(ingestSegmentIn("/v1/dataservices/dataGateway")).toBeUndefined();
    expect(ingestSegmentIn("/v1/dataservices/dataGateway/")).toBeUndefined();
    expect(ingestSegmentIn("/v1/dataservices/dataGateway/a/b")).toBeUndefined();
    expect(loggablePath("/v1/dataservices/dataGateway/abc")).toBe("/v1/dataservices/dataGateway/***");
    expect(loggablePath("/v1/devices/op")).toBe("/v1/devices/op");
  });
});
