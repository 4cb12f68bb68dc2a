import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppPlatform, type DeviceCloud, startAppPlatform, startDeviceCloud } from "../src/index.ts";
import { callApi, devicesBody } from "./helpers.ts";

let app: AppPlatform;
let cloud: DeviceCloud;
let ids: string[];

beforeEach(async () => {
  app = await startAppPlatform({ platId: "APP-A", users: [{ loginId: "alice", authToken: "tok-a" }] });
  cloud = await startDeviceCloud({
    platId: "VENDOR-B",
    manufacturerCode: "000006",
    verifyUrl: app.verifyUrl,
  });
  ids = [...cloud.devices.keys()];
});
afterEach(async () => {
  await cloud.close();
  await app.close();
});

async function login(loginId = "alice", authToken = "tok-a", platId = "APP-A") {
  const res = await callApi(
    cloud.url,
    "user/login",
    { User: [{ UserBase: { loginID: loginId } }], AuthToken: authToken },
    {
      PlatID: platId,
    },
  );
  const user = (res.body.User as { UserBase: { userID: string } }[] | undefined)?.[0]?.UserBase.userID ?? "";
  return {
    res,
    userId: user,
    headers: { PlatID: platId, AccessToken: res.headers.get("accesstoken") ?? "" },
  };
}

describe("vendor-sim device cloud", () => {
  it("logs in through the caller's verify endpoint and reuses the userID", async () => {
    const first = await login();
    expect(first.res.status).toBe(200);
    expect(first.res.body.RetCode).toBe("200");
    expect(first.res.headers.get("platid")).toBe("VENDOR-B");
    expect(first.headers.AccessToken).toMatch(/^TGT-/);
    expect(app.verifyCalls).toHaveLength(1);
    expect(app.verifyCalls[0]?.headers.platid).toBe("VENDOR-B");
    const again = await login();
    expect(again.userId).toBe(first.userId);
    expect(again.headers.AccessToken).not.toBe(first.headers.AccessToken);
  });

  it("refuses a login the platform does not vouch for, and calls without a valid token", async () => {
    const bad = await login("alice", "wrong");
    expect(bad.res.body.RetCode).toBe("401");
    const noToken = await callApi(cloud.url, "users/devices", { UserID: "1" }, { PlatID: "APP-A" });
    expect(noToken.status).toBe(401);
    expect(noToken.body.RetCode).toBe("401");
  });

  it("binds with FailedIDs, lists, answers status in request order, refuses op on unbound devices", async () => {
    const { userId, headers } = await login();
    const [washer, ac, third] = ids as [string, string, string];
    const bind = await callApi(
      cloud.url,
      "user/bindDevices",
      devicesBody(userId, [washer, ac, "000006010200199NOPE"]),
      headers,
    );
    expect(bind.body.FailedIDs).toEqual(["000006010200199NOPE"]);

    const list = await callApi(
      cloud.url,
      "users/devices",
      { UserID: userId, Device: [{ DeviceInfo: { deviceType: "02002" } }] },
      headers,
    );
    expect(
      (list.body.Device as { DeviceInfo: { deviceID: string } }[]).map((d) => d.DeviceInfo.deviceID),
    ).toEqual([washer]);

    const status = await callApi(
      cloud.url,
      "devices/deviceStatus",
      devicesBody(userId, [ac, washer]),
      headers,
    );
    const entries = status.body.Device as {
      DeviceInfo: { deviceID: string };
      DeviceAttr: Record<string, string>;
    }[];
    expect(entries.map((e) => e.DeviceInfo.deviceID)).toEqual([ac, washer]);
    expect(entries[1]?.DeviceAttr.laundryCycle).toBe("3");

    const op = await callApi(
      cloud.url,
      "devices/op",
      devicesBody(userId, [washer], { onOffStatus: "True" }),
      headers,
    );
    expect(op.body.RetCode).toBe("200");
    expect(cloud.devices.get(washer)?.attrs.onOffStatus).toBe("True");

    const unbound = await callApi(
      cloud.url,
      "devices/op",
      devicesBody(userId, [third], { onOffStatus: "True" }),
      headers,
    );
    expect(unbound.body.RetCode).toBe("500");
    expect(cloud.devices.get(third)?.attrs.onOffStatus).toBe("False");
    const badAttr = await callApi(
      cloud.url,
      "devices/op",
      devicesBody(userId, [washer], { warpDrive: "on" }),
      headers,
    );
    expect(badAttr.body.RetCode).toBe("500");
  });

  it("refuses a device bound by another platform's user but trusts the same platform", async () => {
    const a = await login();
    const washer = ids[0] as string;
    await callApi(cloud.url, "user/bindDevices", devicesBody(a.userId, [washer]), a.headers);
    const other = await login("alice", "tok-a", "APP-OTHER");
    expect(other.userId).not.toBe(a.userId);
    const refused = await callApi(
      cloud.url,
      "user/bindDevices",
      devicesBody(other.userId, [washer]),
      other.headers,
    );
    expect(refused.body.FailedIDs).toEqual([washer]);
  });

  it("modifies DeviceInfo, answers binding-only fields null, logs out and unregisters", async () => {
    const { userId, headers } = await login();
    const washer = ids[0] as string;
    await callApi(cloud.url, "user/bindDevices", devicesBody(userId, [washer]), headers);
    const body = {
      UserID: userId,
      Device: [{ DeviceInfo: { deviceID: washer, model: "NEW-1", name: "Kitchen" } }],
    };
    expect((await callApi(cloud.url, "devices/modifyDeviceInfo", body, headers)).body.RetCode).toBe("200");
    const info = await callApi(cloud.url, "devices/deviceInfo", devicesBody(userId, [washer]), headers);
    const got = (info.body.Device as { DeviceInfo: Record<string, unknown> }[])[0]?.DeviceInfo;
    expect(got).toMatchObject({ deviceID: washer, model: "NEW-1", name: null });

    expect((await callApi(cloud.url, "user/logout", {}, headers)).body.RetCode).toBe("200");
    expect((await callApi(cloud.url, "users/devices", { UserID: userId }, headers)).status).toBe(401);
    const again = await login();
    const unreg = await callApi(
      cloud.url,
      "user/unregister",
      { User: [{ UserBase: { loginID: "alice", status: "2" } }] },
      again.headers,
    );
    expect(unreg.body.RetCode).toBe("200");
    expect((await login()).userId).not.toBe(userId);
  });

  it("reads the standard's quirky input and records every call", async () => {
    const { userId, headers } = await login();
    const text = `{"UserID": ${userId}, "Device": [{"DeviceInfo": {"deviceID ": " ${ids[0]}"}}]}`;
    const res = await callApi(cloud.url, "user/bindDevices", text, {
      PlateID: "APP-A",
      AccessToken: headers.AccessToken,
    });
    expect(res.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    const broken = await callApi(cloud.url, "user/bindDevices", "{nope", headers);
    expect(broken.status).toBe(400);
    expect(cloud.calls.map((c) => c.api)).toEqual(["user/login", "user/bindDevices", "user/bindDevices"]);
  });

  it("simulates failure and hanging", async () => {
    cloud.setMode("fail500");
    expect((await callApi(cloud.url, "users/devices", { UserID: "1" })).status).toBe(500);
    cloud.setMode("hang");
    const pending = callApi(cloud.url, "users/devices", { UserID: "1" });
    const raced = await Promise.race([
      pending.then(() => "answered"),
      new Promise((r) => setTimeout(() => r("hung"), 150)),
    ]);
    expect(raced).toBe("hung");
    cloud.setMode("normal");
    expect((await pending).status).toBe(503);
  });

  it("holds calls while in hold mode and answers them as usual once released", async () => {
    cloud.setMode("hold");
    const pending = callApi(cloud.url, "users/devices", { UserID: "1" });
    const raced = await Promise.race([
      pending.then(() => "answered"),
      new Promise((r) => setTimeout(() => r("held"), 150)),
    ]);
    expect(raced).toBe("held");
    // The call was received (recorded) while held.
    expect(cloud.calls.at(-1)?.api).toBe("users/devices");
    cloud.setMode("normal");
    const held = await pending;
    const fresh = await callApi(cloud.url, "users/devices", { UserID: "1" });
    expect(held.status).toBe(fresh.status);
    expect(held.body).toEqual(fresh.body);
  });

  it("holds answers back while a delay is set (a slow but working cloud)", async () => {
    const timed = async () => {
      const started = performance.now();
      const res = await callApi(cloud.url, "users/devices", { UserID: "1" });
      return { ms: performance.now() - started, status: res.status };
    };
    cloud.setDelay(200);
    const slow = await timed();
    cloud.setDelay(0);
    const fast = await timed();
    expect(slow.ms).toBeGreaterThanOrEqual(195);
    // The same answer either way: only its timing changes.
    expect(slow.status).toBe(fast.status);
    expect(fast.ms).toBeLessThan(slow.ms);
  });
});
