import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient } from "./support/client.ts";
import { addAppPlatform, devices, loginAs, startWorld, type World } from "./support/world.ts";

/** Every caller-caused error of docs/design.md §3 answers with its RetCode, mirrored in the HTTP status. */
describe("hub error paths", () => {
  let w: World;
  let alice: { userId: string; accessToken: string };
  let a1: string;
  let b1: string;

  beforeAll(async () => {
    w = await startWorld("pglite", { HUB_MAX_BODY_BYTES: "4096" });
    alice = await loginAs(w, "alice", "alice-token-1");
    a1 = w.vendors[0]?.deviceIds[0] ?? "";
    b1 = w.vendors[1]?.deviceIds[0] ?? "";
    const bind = await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([a1, b1]) });
    expect(bind.body.FailedIDs).toEqual([]);
  }, 60_000);
  afterAll(async () => w?.close());

  it("400: not JSON, with the position", async () => {
    const res = await w.call("devices/deviceStatus", '{"UserID": "x",\n  "Device": [ // comment\n]}');
    expect(res.status).toBe(400);
    expect(res.body.RetCode).toBe("400");
    expect(String(res.body.RetInfo)).toMatch(/line 2/);
  });

  it("400: a missing field is named", async () => {
    const res = await w.call("devices/deviceStatus", { Device: devices([a1]) });
    expect(res.status).toBe(400);
    expect(String(res.body.RetInfo)).toContain("UserID");
  });

  it("400: a malformed UDeviceID is named and no vendor is called", async () => {
    const before = w.vendors[0]?.cloud.calls.length;
    const res = await w.call("devices/deviceStatus", {
      UserID: alice.userId,
      Device: devices(["0000060199001X"]),
    });
    expect(res.status).toBe(400);
    expect(String(res.body.RetInfo)).toContain("Device[0].DeviceInfo.deviceID");
    expect(w.vendors[0]?.cloud.calls.length).toBe(before);
  });

  it("401: unknown PlatID, unsigned request, bad signature, foreign AppID", async () => {
    const unknown = await platformClient(w.hub.url, { platId: "NOBODY" })("users/devices", {
      UserID: alice.userId,
    });
    expect(unknown.status).toBe(401);
    const unsigned = await platformClient(w.hub.url, { platId: w.appCreds.platId })("users/devices", {
      UserID: alice.userId,
    });
    expect(unsigned.status).toBe(401);
    expect(String(unsigned.body.RetInfo)).toContain("webhook-signature");
    const wrongKey = await platformClient(w.hub.url, {
      platId: w.appCreds.platId,
      appSecret: w.vendors[0]?.appSecret,
    })("users/devices", { UserID: alice.userId });
    expect(wrongKey.status).toBe(401);
    const foreignAppId = await platformClient(w.hub.url, { ...w.appCreds, appId: w.vendors[0]?.appId })(
      "users/devices",
      {
        UserID: alice.userId,
      },
    );
    expect(foreignAppId.status).toBe(401);
  });

  it("401: devices/op without, with an unknown, or with another user's AccessToken", async () => {
    const op = (token?: string) =>
      w.call(
        "devices/op",
        { UserID: alice.userId, Device: devices([a1], { onOffStatus: "True" }) },
        token ? { AccessToken: token } : {},
      );
    expect((await op()).status).toBe(401);
    expect((await op("not-a-token")).status).toBe(401);
    const bob = await loginAs(w, "bob", "bob-token-1");
    const res = await op(bob.accessToken);
    expect(res.status).toBe(401);
    expect(String(res.body.RetInfo)).toContain("not issued to this UserID");
  });

  it("401: an AccessToken past HUB_TOKEN_TTL has expired", async () => {
    // A hub of its own whose tokens live one second: the expiry is the configured one, not a fake clock.
    const short = await startWorld("pglite", { HUB_TOKEN_TTL: "1s" });
    try {
      const carol = await loginAs(short, "alice", "alice-token-1");
      await new Promise((r) => setTimeout(r, 1_200));
      const device = short.vendors[0]?.deviceIds[0] ?? "";
      const res = await short.call(
        "devices/op",
        { UserID: carol.userId, Device: devices([device], { onOffStatus: "True" }) },
        { AccessToken: carol.accessToken },
      );
      expect(res.status).toBe(401);
      expect(String(res.body.RetInfo)).toContain("expired");
    } finally {
      await short.close();
    }
  });

  it("403: a device not bound to the user, and the vendor is never called", async () => {
    const a2 = w.vendors[0]?.deviceIds[1] ?? "";
    const calls = w.vendors[0]?.cloud.calls.length;
    const res = await w.call(
      "devices/op",
      { UserID: alice.userId, Device: devices([a2], { onOffStatus: "True" }) },
      { AccessToken: alice.accessToken },
    );
    expect(res.status).toBe(403);
    expect(String(res.body.RetInfo)).toContain(a2);
    expect(w.vendors[0]?.cloud.calls.length).toBe(calls);
  });

  it("404: unknown UserID, unknown manufacturer, unknown path", async () => {
    expect((await w.call("users/devices", { UserID: "UNOBODY" })).status).toBe(404);
    const res = await w.call("devices/deviceStatus", {
      UserID: alice.userId,
      Device: devices(["000099010200100XYZ"]),
    });
    expect(res.status).toBe(404);
    expect(String(res.body.RetInfo)).toContain("000099");
    const path = await request(`${w.hub.url}/v1/devices/nothing`, { method: "POST", body: "{}" });
    expect(path.statusCode).toBe(404);
    expect(((await path.body.json()) as { RetCode: string }).RetCode).toBe("404");
  });

  it("405: a known path with the wrong method", async () => {
    const res = await request(`${w.hub.url}/v1/devices/op`, { method: "GET" });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe("POST");
    expect(((await res.body.json()) as { RetCode: string }).RetCode).toBe("405");
  });

  it("409: a manufacturer code claimed twice, a platId registered twice", async () => {
    const code = await w.admin.post("/admin/v1/platforms", {
      platId: "COPYCAT",
      name: "Copycat",
      manufacturerCodes: [w.vendors[0]?.code],
      apiBaseUrl: "http://127.0.0.1:1/v1",
    });
    expect(code.status).toBe(409);
    expect(String(code.body.RetInfo)).toContain(w.vendors[0]?.platId);
    const dup = await w.admin.post("/admin/v1/platforms", { platId: w.appCreds.platId, name: "again" });
    expect(dup.status).toBe(409);
  });

  it("413: a body over HUB_MAX_BODY_BYTES", async () => {
    const res = await w.call("users/devices", { UserID: alice.userId, pad: "x".repeat(10_000) });
    expect(res.status).toBe(413);
    expect(res.body.RetCode).toBe("413");
  });

  it("500/502/504: a vendor failing fails only its own devices, with the vendor named", async () => {
    const [va, vb] = w.vendors;
    if (!va || !vb) throw new Error("vendors");
    const status = () => w.call("devices/deviceStatus", { UserID: alice.userId, Device: devices([a1, b1]) });

    vb.cloud.setMode("fail500");
    const business = await status();
    expect(business.body.RetCode).toBe("500");
    expect(String(business.body.RetInfo)).toContain(vb.platId);
    expect(business.body.FailedIDs).toEqual([b1]);
    const entries = business.body.Device as { DeviceAttr?: Record<string, string> }[];
    expect(entries[0]?.DeviceAttr).toEqual(va.cloud.devices.get(a1)?.attrs);

    vb.cloud.setMode("hang");
    const slow = await status();
    expect(slow.status).toBe(504);
    expect(slow.body.FailedIDs).toEqual([b1]);
    expect((slow.body.Device as { DeviceAttr?: unknown }[])[0]?.DeviceAttr).toBeDefined();
    vb.cloud.setMode("normal");

    await vb.cloud.close();
    const down = await status();
    expect(down.status).toBe(502);
    expect(String(down.body.RetInfo)).toMatch(/unreachable/);
    expect(down.body.FailedIDs).toEqual([b1]);
  });

  it("a vendor rejecting a stale session token: the hub logs in again once and the call succeeds", async () => {
    const va = w.vendors[0];
    if (!va) throw new Error("vendor");
    const logins = () => va.cloud.calls.filter((c) => c.api === "user/login").length;
    const before = logins();
    va.cloud.invalidateTokens();
    const res = await w.call(
      "devices/op",
      { UserID: alice.userId, Device: devices([a1], { laundryCycle: "5" }) },
      { AccessToken: alice.accessToken },
    );
    expect(res.body.RetCode).toBe("200");
    expect(logins()).toBe(before + 1);
    expect(va.cloud.devices.get(a1)?.attrs.laundryCycle).toBe("5");
  });

  it("tenancy: another platform cannot use this platform's users or devices", async () => {
    const other = await addAppPlatform(w, "APP-PLAT-0002", [{ loginId: "alice", authToken: "other-alice" }]);
    try {
      // The same loginID on another platform is another hub user.
      const res = await other.call("user/login", {
        User: [{ UserBase: { loginID: "alice" } }],
        AuthToken: "other-alice",
      });
      const otherAlice = (res.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID;
      expect(otherAlice).toBeDefined();
      expect(otherAlice).not.toBe(alice.userId);
      // Naming this platform's user from the other platform: unknown there.
      expect((await other.call("users/devices", { UserID: alice.userId })).status).toBe(404);
      // This platform's token presented by the other platform: unknown there.
      const op = await other.call(
        "devices/op",
        { UserID: otherAlice, Device: devices([a1], { onOffStatus: "True" }) },
        { AccessToken: alice.accessToken },
      );
      expect(op.status).toBe(401);
      // Trust rule: a1 is bound through APP-PLAT-0001; the other platform's user is refused and the vendor not asked.
      const binds = () => w.vendors[0]?.cloud.calls.filter((c) => c.api === "user/bindDevices").length;
      const before = binds();
      const bind = await other.call("user/bindDevices", { UserID: otherAlice, Device: devices([a1]) });
      expect(bind.body.FailedIDs).toEqual([a1]);
      expect(String(bind.body.RetInfo)).toContain("APP-PLAT-0001");
      expect(binds()).toBe(before);
    } finally {
      await other.app.close();
    }
  });
});
