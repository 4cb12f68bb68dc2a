import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selfClient } from "./support/self-client.ts";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

/** devices/op commands are checked against the device model before any vendor is called. */
describe("device model registry and op validation", () => {
  let w: World;
  let alice: { userId: string; accessToken: string };
  let washer: string;
  let ac: string;

  beforeAll(async () => {
    w = await startWorld("pglite");
    alice = await loginAs(w, "alice", "alice-token-1");
    [washer = "", ac = ""] = w.vendors[0]?.deviceIds ?? [];
    await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer, ac]) });
  }, 60_000);
  afterAll(async () => w?.close());

  const op = (id: string, attrs: Record<string, string>) =>
    w.call(
      "devices/op",
      { UserID: alice.userId, Device: devices([id], attrs) },
      { AccessToken: alice.accessToken },
    );

  it("refuses unknown, read-only, out-of-range and mistyped attributes (400, attribute named), vendor untouched", async () => {
    const calls = () => w.vendors[0]?.cloud.calls.filter((c) => c.api === "devices/op").length;
    const before = calls();
    for (const [attrs, field] of [
      [{ turbo: "True" }, "turbo"],
      [{ doorLockStatus: "False" }, "doorLockStatus"],
      [{ laundryCycle: "42" }, "laundryCycle"],
    ] as const) {
      const res = await op(washer, attrs);
      expect(res.status).toBe(400);
      expect(String(res.body.RetInfo)).toContain(`Device[0].DeviceAttr.${field}`);
    }
    const temp = await op(ac, { targetTemperature: "hot" });
    expect(String(temp.body.RetInfo)).toContain("targetTemperature");
    expect(calls()).toBe(before);
    expect((await op(ac, { targetTemperature: "24.5", mode: "heat" })).body.RetCode).toBe("200");
  });

  it("a vendor-published version replaces the hub's model for that vendor's devices", async () => {
    const vendor = w.vendors[0];
    if (!vendor) throw new Error("vendor");
    const published = await w.admin.post("/admin/v1/models", {
      ownerPlatId: vendor.platId,
      deviceType: "02002",
      nameZh: "滚筒洗衣机",
      nameEn: "washer with spin control",
      attributes: [
        {
          name: "onOffStatus",
          type: "bool",
          values: ["True", "False"],
          writable: true,
          zh: "开关",
          en: "power",
        },
        {
          name: "spinSpeed",
          type: "int",
          min: 400,
          max: 1400,
          unit: "rpm",
          writable: true,
          zh: "转速",
          en: "spin speed",
        },
      ],
    });
    expect(published.status).toBe(201);
    expect(published.body.version).toBe(1);
    // laundryCycle is not in the vendor's model; spinSpeed now passes the hub (the sim refuses it: 500).
    expect((await op(washer, { laundryCycle: "3" })).status).toBe(400);
    expect((await op(washer, { spinSpeed: "2000" })).status).toBe(400);
    const passed = await op(washer, { spinSpeed: "800" });
    expect(passed.body.RetCode).toBe("500");
    expect(String(passed.body.RetInfo)).toContain(vendor.platId);

    const versions = await w.admin.get(`/admin/v1/models/${vendor.platId}/02002`);
    expect((versions.body.versions as unknown[]).length).toBe(1);
    const bad = await w.admin.post("/admin/v1/models", {
      ownerPlatId: vendor.platId,
      deviceType: "07001",
      nameZh: "x",
      nameEn: "x",
      attributes: [],
    });
    expect(bad.status).toBe(400);
  });

  it("a vendor publishes its own versions through self-service; an app platform cannot", async () => {
    const vendor = w.vendors[1];
    if (!vendor) throw new Error("vendor");
    const asVendor = selfClient(w.hub.url, { platId: vendor.platId, appSecret: vendor.appSecret });
    const model = {
      deviceType: "03001",
      nameZh: "空调",
      nameEn: "air conditioner, vendor B",
      attributes: [
        {
          name: "onOffStatus",
          type: "bool",
          values: ["True", "False"],
          writable: true,
          zh: "开关",
          en: "power",
        },
      ],
    };
    const first = await asVendor("POST", "/models", model);
    expect(first.status).toBe(201);
    const second = await asVendor("POST", "/models", model);
    expect(second.body).toMatchObject({ version: 2, ownerPlatId: vendor.platId });
    const mine = await asVendor("GET", "/models");
    expect((mine.body.models as { version: number }[]).map((m) => m.version)).toEqual([2]);
    const asApp = selfClient(w.hub.url, w.appCreds);
    expect((await asApp("POST", "/models", model)).status).toBe(400);
  });
});
