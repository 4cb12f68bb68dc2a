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

  it("the hub's own models refuse nothing: a vendor's programme 20 reaches the vendor (docs/design.md §3.6)", async () => {
    const vendor = w.vendors[0];
    const calls = () => vendor?.cloud.calls.filter((c) => c.api === "devices/op").length ?? 0;
    const before = calls();
    const res = await op(washer, { laundryCycle: "20" });
    expect(res.body).toMatchObject({ RetCode: "200" });
    expect(vendor?.cloud.devices.get(washer)?.attrs.laundryCycle).toBe("20");
    // The air conditioner's mode is the vendor's word too, and a number is any number.
    expect((await op(ac, { targetTemperature: "35.5", mode: "turbo" })).body.RetCode).toBe("200");
    expect(calls()).toBe(before + 2);
  });

  it("a vendor-published model constrains that vendor's devices: unknown, read-only, out of range → 400, vendor untouched", async () => {
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
    const calls = () => vendor.cloud.calls.filter((c) => c.api === "devices/op").length;
    const before = calls();
    // laundryCycle is not in the vendor's model; spinSpeed now passes the hub (the sim refuses it: 500).
    for (const [attrs, field] of [
      [{ laundryCycle: "3" }, "laundryCycle"],
      [{ spinSpeed: "2000" }, "spinSpeed"],
      [{ onOffStatus: "yes" }, "onOffStatus"],
    ] as const) {
      const res = await op(washer, attrs);
      expect(res.status).toBe(400);
      expect(String(res.body.RetInfo)).toContain(`Device[0].DeviceAttr.${field}`);
    }
    expect(calls()).toBe(before);
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

  it("checks in the order 401 → 403 → 400: a user who has not bound the device learns nothing of its model", async () => {
    // Runs after the vendor published its 02002 model above: spinSpeed 2000 breaks it.
    const bob = await loginAs(w, "bob", "bob-token-1");
    const asBob = (attrs: Record<string, string>, token = bob.accessToken) =>
      w.call("devices/op", { UserID: bob.userId, Device: devices([washer], attrs) }, { AccessToken: token });
    const outOfRange = await asBob({ spinSpeed: "2000" });
    expect(outOfRange.status).toBe(403);
    expect(String(outOfRange.body.RetInfo)).toContain("not bound");
    expect(String(outOfRange.body.RetInfo)).not.toContain("spinSpeed");
    expect((await asBob({ spinSpeed: "2000" }, "not-a-token")).status).toBe(401);
    // alice has bound it: the same command is judged on its content.
    expect((await op(washer, { spinSpeed: "2000" })).status).toBe(400);
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
