import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli, type FakeHub, startFakeHub } from "./support/fake-hub.ts";

let hub: FakeHub;
beforeEach(async () => {
  hub = await startFakeHub();
});
afterEach(async () => {
  await hub.close();
});

const udid = "000006010200200C89346112DD5";
const device = {
  udeviceId: udid,
  decoded: { manufacturerCode: "000006", category: { code: "02", en: "laundry" } },
  owner: { platId: "PARTNER-HAIER-0000", name: "Haier U+" },
  shadow: { onOffStatus: "1", runningstatus: "2" },
  reports: [
    { id: "rep_1", dataType: "attr", timeStamp: "1740816000000", receivedAt: "2025-03-01T08:00:00.000Z" },
  ],
  subscribers: [],
};

describe("devices show", () => {
  it("GETs /admin/v1/devices/{udid} and prints each section", async () => {
    hub.on(`GET /admin/v1/devices/${udid}`, { status: 200, body: device });
    const r = await cli(["devices", "show", udid], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.url).toBe(`/admin/v1/devices/${udid}`);
    expect(r.stdout).toBe(
      [
        `udeviceId  ${udid}`,
        "",
        "decoded:",
        "  manufacturerCode  000006",
        "  category.code     02",
        "  category.en       laundry",
        "",
        "owner:",
        "  platId  PARTNER-HAIER-0000",
        "  name    Haier U+",
        "",
        "shadow:",
        "  onOffStatus    1",
        "  runningstatus  2",
        "",
        "reports:",
        "  ID     DATATYPE  TIMESTAMP      RECEIVEDAT",
        "  rep_1  attr      1740816000000  2025-03-01 08:00:00Z",
        "",
        "subscribers:",
        "  (none)",
        "",
      ].join("\n"),
    );
  });

  it("--json prints the answer as it came; 404 exits 1", async () => {
    hub.on(`GET /admin/v1/devices/${udid}`, { status: 200, body: device });
    const r = await cli(["devices", "show", udid, "--json"], { hubUrl: hub.url });
    expect(JSON.parse(r.stdout)).toEqual(device);

    const missing = await cli(["devices", "show", "000006010200200AAAA"], { hubUrl: hub.url });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("the hub answered 404");
  });
});

describe("devices drift", () => {
  it("GETs /admin/v1/drift and prints vendors and missing bindings", async () => {
    hub.on("GET /admin/v1/drift", {
      status: 200,
      body: {
        vendors: [{ vendorPlatId: "VENDOR-A", name: "A", pollsTotal: 10, driftTotal: 2, lastDriftAt: null }],
        bindings: [],
      },
    });
    const r = await cli(["devices", "drift"], { hubUrl: hub.url });
    expect(r.code).toBe(0);
    expect(hub.requests[0]?.url).toBe("/admin/v1/drift");
    expect(r.stdout).toContain("VENDOR-A");
    expect(r.stdout).toContain("bindings the vendor no longer lists:\n  (none)");
  });
});
