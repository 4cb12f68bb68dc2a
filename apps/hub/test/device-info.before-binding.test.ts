/**
 * Issue 15, standard 7.2.4: devices/deviceInfo is the one device call allowed before binding
 * (docs/design.md §4), so an app can show what a scanned UDeviceID is. The vendor's answer comes
 * back with the binding's fields null; status, modify and op stay 403 for a device not bound.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

type Info = Record<string, string | null>;
const infos = (body: Record<string, unknown>) =>
  (body.Device as { DeviceInfo: Info }[]).map((d) => d.DeviceInfo);

describe("deviceInfo before binding", () => {
  let w: World;
  let alice: { userId: string; accessToken: string };
  let bob: { userId: string; accessToken: string };
  let washer: string;

  beforeAll(async () => {
    w = await startWorld("pglite");
    alice = await loginAs(w, "alice", "alice-token-1");
    bob = await loginAs(w, "bob", "bob-token-1");
    washer = w.vendors[0]?.deviceIds[0] ?? "";
    const bound = await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer]) });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    // alice names her washer (a field of her binding); the vendor also extends DeviceInfo.
    const named = await w.call("devices/modifyDeviceInfo", {
      UserID: alice.userId,
      Device: [{ DeviceInfo: { deviceID: washer, name: "alice's washer" } }],
    });
    expect(named.body.RetCode).toBe("200");
    const device = w.vendors[0]?.cloud.devices.get(washer);
    if (device) device.info.room = "kitchen";
  }, 60_000);
  afterAll(async () => w?.close());

  it("answers a user who has not bound the device, table 11's fields kept, the binding's null", async () => {
    const other = w.vendors[1]?.deviceIds[0] ?? "";
    const res = await w.call("devices/deviceInfo", { UserID: bob.userId, Device: devices([washer, other]) });
    expect(res.status).toBe(200);
    expect(res.body.RetCode).toBe("200");
    const [first, second] = infos(res.body);
    const vendorInfo = w.vendors[0]?.cloud.devices.get(washer)?.info;
    expect(first).toMatchObject({
      deviceID: washer,
      deviceType: vendorInfo?.deviceType,
      model: vendorInfo?.model,
      brand: vendorInfo?.brand,
      name: null,
      room: null,
    });
    expect(second?.deviceID).toBe(other);
    // The vendor was asked, in bob's name at that vendor (the hub logged bob in there).
    expect(w.vendors[0]?.cloud.calls.some((c) => c.api === "devices/deviceInfo")).toBe(true);
  });

  it("the user who bound it sees the vendor's answer as it is", async () => {
    const res = await w.call("devices/deviceInfo", { UserID: alice.userId, Device: devices([washer]) });
    expect(res.body.RetCode).toBe("200");
    expect(infos(res.body)[0]).toMatchObject({ deviceID: washer, room: "kitchen" });
  });

  it("status, modify and op stay 403 for the device bob has not bound; the vendor is not asked", async () => {
    const vendorCalls = () => w.vendors[0]?.cloud.calls.length ?? 0;
    const before = vendorCalls();
    const status = await w.call("devices/deviceStatus", { UserID: bob.userId, Device: devices([washer]) });
    expect(status.status).toBe(403);
    const modify = await w.call("devices/modifyDeviceInfo", {
      UserID: bob.userId,
      Device: [{ DeviceInfo: { deviceID: washer, name: "mine now" } }],
    });
    expect(modify.status).toBe(403);
    const op = await w.call(
      "devices/op",
      { UserID: bob.userId, Device: devices([washer], { onOffStatus: "True" }) },
      { AccessToken: bob.accessToken },
    );
    expect(op.status).toBe(403);
    expect(vendorCalls()).toBe(before);
  });

  it("a manufacturer code no vendor registered is still 404", async () => {
    const res = await w.call("devices/deviceInfo", {
      UserID: bob.userId,
      Device: devices(["000099010200100XYZ"]),
    });
    expect(res.status).toBe(404);
    expect(String(res.body.RetInfo)).toContain("000099");
  });
});
