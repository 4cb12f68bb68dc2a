import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bothStorages, devices, loginAs, startWorldIfAvailable, type World } from "./support/world.ts";

describe.each(bothStorages)("scenario 1 end to end on $storage", ({ storage }) => {
  let world: World | undefined;

  beforeAll(async () => {
    world = await startWorldIfAvailable(storage);
  }, 60_000);
  afterAll(async () => world?.close());

  it("logs in, binds across vendors, lists, reads, modifies, operates, logs out and unregisters", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const [a, b] = w.vendors;
    if (!a || !b) throw new Error("two vendors expected");

    // Login: the hub asks the app platform's verify URL, then issues its own userID and token.
    const login = await w.call("user/login", {
      User: [{ UserBase: { loginID: "alice" } }],
      AuthToken: "alice-token-1",
    });
    expect(login.status).toBe(200);
    expect(login.body.RetCode).toBe("200");
    expect(login.headers.platid).toBe("YUNLIAN-HUB-0000");
    const accessToken = login.headers.accesstoken ?? "";
    expect(accessToken.length).toBeGreaterThan(30);
    const userId = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
    expect(userId).toMatch(/^U[0-9A-Z]{19}$/);
    expect(w.app.verifyCalls.at(-1)?.retCode).toBe("200");

    // A wrong AuthToken is refused by the platform, and so by the hub.
    const refused = await w.call("user/login", {
      User: [{ UserBase: { loginID: "alice" } }],
      AuthToken: "nope",
    });
    expect(refused.body.RetCode).toBe("401");

    // Bind two devices of A, one of B, one unknown manufacturer and one malformed ID.
    const unknown = "000099010200100XYZ";
    const malformed = "00000601990010ABC";
    const [a1, a2] = a.deviceIds;
    const [b1] = b.deviceIds;
    if (!a1 || !a2 || !b1) throw new Error("sim devices expected");
    const bind = await w.call("user/bindDevices", {
      UserID: userId,
      Device: devices([a1, a2, b1, unknown, malformed]),
    });
    expect(bind.body.RetCode).toBe("200");
    expect(new Set(bind.body.FailedIDs as string[])).toEqual(new Set([unknown, malformed]));
    expect(String(bind.body.RetInfo)).toContain("000099");
    // The hub logged in at each vendor as A-side platform; the vendors verified at the hub.
    expect(a.cloud.calls.some((c) => c.api === "user/login")).toBe(true);
    expect(b.cloud.calls.some((c) => c.api === "user/login")).toBe(true);

    const list = await w.call("users/devices", { UserID: userId });
    expect(list.body.RetCode).toBe("200");
    const listed = (list.body.Device as { DeviceInfo: { deviceID: string } }[]).map(
      (d) => d.DeviceInfo.deviceID,
    );
    expect(new Set(listed)).toEqual(new Set([a1, a2, b1]));

    const info = await w.call("devices/deviceInfo", { UserID: userId, Device: devices([b1, a1]) });
    expect(info.body.RetCode).toBe("200");
    expect(
      (info.body.Device as { DeviceInfo: { deviceID: string } }[]).map((d) => d.DeviceInfo.deviceID),
    ).toEqual([b1, a1]);

    const modify = await w.call("devices/modifyDeviceInfo", {
      UserID: userId,
      Device: [{ DeviceInfo: { deviceID: a1, model: "RENAMED-MODEL" } }],
    });
    expect(modify.body.RetCode).toBe("200");
    expect(a.cloud.devices.get(a1)?.info.model).toBe("RENAMED-MODEL");

    const status = await w.call("devices/deviceStatus", { UserID: userId, Device: devices([b1, a1]) });
    expect(status.body.RetCode).toBe("200");
    const entries = status.body.Device as {
      DeviceInfo: { deviceID: string };
      DeviceAttr: Record<string, string>;
    }[];
    expect(entries.map((e) => e.DeviceInfo.deviceID)).toEqual([b1, a1]);
    expect(entries[1]?.DeviceAttr).toEqual(a.cloud.devices.get(a1)?.attrs);

    const op = await w.call(
      "devices/op",
      { UserID: userId, Device: devices([a1, b1], { onOffStatus: "True" }) },
      { AccessToken: accessToken },
    );
    expect(op.body.RetCode).toBe("200");
    expect(a.cloud.devices.get(a1)?.attrs.onOffStatus).toBe("True");
    expect(b.cloud.devices.get(b1)?.attrs.onOffStatus).toBe("True");

    const noToken = await w.call("devices/op", {
      UserID: userId,
      Device: devices([a1], { onOffStatus: "False" }),
    });
    expect(noToken.status).toBe(401);
    expect(a.cloud.devices.get(a1)?.attrs.onOffStatus).toBe("True");

    const unbind = await w.call("user/unbindDevices", { UserID: userId, Device: devices([a2]) });
    expect(unbind.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    const opUnbound = await w.call(
      "devices/op",
      { UserID: userId, Device: devices([a2], { onOffStatus: "True" }) },
      { AccessToken: accessToken },
    );
    expect(opUnbound.status).toBe(403);

    const logout = await w.call("user/logout", {}, { AccessToken: accessToken });
    expect(logout.body.RetCode).toBe("200");
    const afterLogout = await w.call(
      "devices/op",
      { UserID: userId, Device: devices([a1], { onOffStatus: "False" }) },
      { AccessToken: accessToken },
    );
    expect(afterLogout.status).toBe(401);

    // Log in again (same loginID → same userID), then unregister: bindings go at the vendors too.
    const again = await loginAs(w, "alice", "alice-token-1");
    expect(again.userId).toBe(userId);
    const unregister = await w.call(
      "user/unregister",
      { User: [{ UserBase: { loginID: "alice", status: "2" } }] },
      { AccessToken: again.accessToken },
    );
    expect(unregister.body.RetCode).toBe("200");
    expect(
      a.cloud.calls.some((c) => c.api === "user/unbindDevices" && JSON.stringify(c.body).includes(a1)),
    ).toBe(true);
    const gone = await w.call("users/devices", { UserID: userId });
    expect(gone.status).toBe(404);
  }, 60_000);
});
