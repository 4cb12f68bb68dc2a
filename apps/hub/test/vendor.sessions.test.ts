/**
 * Issue 15, sessions that expire the standard's way (docs/design.md §4, §7 vendor sessions): a
 * cloud built to the letter of the standard knows only "200" and "500", so it says "your session
 * is gone" with `{"RetCode":"500","RetInfo":"AccessToken 已失效"}`. The hub logs in again once and
 * repeats the call once; a vendor that refuses even a fresh session gets a clear 502, not a loop.
 * Real HTTP: a tiny vendor cloud that expires sessions, counting every login and call.
 */
import { vendorSessions } from "@yunlian/db";
import { formatUDeviceId } from "@yunlian/protocol";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient } from "./support/client.ts";
import { type ExpiringCloud, type ExpiryAnswer, startExpiringCloud } from "./support/expiring-cloud.ts";
import { bothStorages, devices, loginAs, startWorldIfAvailable, type World } from "./support/world.ts";

const washerOf = (manufacturerCode: string) =>
  formatUDeviceId({ manufacturerCode, category: "02", subCategory: "002", vendorPart: "001EXP000001" });

describe.each(bothStorages)("vendor sessions that expire on $storage", ({ storage }) => {
  let world: World | undefined;
  let cloud: ExpiringCloud;
  let timed: ExpiringCloud;
  let alice: { userId: string; accessToken: string };
  const washer = washerOf("000010");
  const timedWasher = washerOf("000011");

  beforeAll(async () => {
    world = await startWorldIfAvailable(storage);
    if (!world) return;
    cloud = await startExpiringCloud();
    timed = await startExpiringCloud();
    const reg = await world.admin.post("/admin/v1/platforms", {
      platId: "VENDOR-EXP-0000",
      name: "expiring vendor",
      manufacturerCodes: ["000010"],
      apiBaseUrl: cloud.url,
    });
    expect(reg.status).toBe(201);
    const regTimed = await world.admin.post("/admin/v1/platforms", {
      platId: "VENDOR-TTL-0000",
      name: "vendor with a session lifetime",
      manufacturerCodes: ["000011"],
      apiBaseUrl: timed.url,
      adapterConfig: { sessionTtl: "1s" },
    });
    expect(regTimed.status).toBe(201);
    alice = await loginAs(world, "alice", "alice-token-1");
    const bound = await world.call("user/bindDevices", {
      UserID: alice.userId,
      Device: devices([washer, timedWasher]),
    });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
  }, 90_000);
  afterAll(async () => {
    await cloud?.close();
    await timed?.close();
    await world?.close();
  });

  const op = (w: World, deviceId: string) =>
    w.call(
      "devices/op",
      { UserID: alice.userId, Device: devices([deviceId], { onOffStatus: "True" }) },
      { AccessToken: alice.accessToken },
    );

  it.for<ExpiryAnswer>(["500-token", "401", "http401"])(
    "an expiry said as %s: the next op succeeds with exactly one extra login",
    async (kind, ctx) => {
      if (!world) return ctx.skip();
      cloud.answerExpiryWith(kind);
      expect((await op(world, washer)).body.RetCode).toBe("200");
      const logins = cloud.count("user/login");
      const ops = cloud.count("devices/op");
      cloud.expireAll();
      const res = await op(world, washer);
      expect(res.status).toBe(200);
      expect(res.body.RetCode).toBe("200");
      expect(cloud.count("user/login")).toBe(logins + 1);
      expect(cloud.count("devices/op")).toBe(ops + 2);
      // The session the hub logged in for is kept: the op after needs no login.
      expect((await op(world, washer)).body.RetCode).toBe("200");
      expect(cloud.count("user/login")).toBe(logins + 1);
    },
  );

  it('a "500" that does not name the token is the vendor\'s business failure: no login, no repeat', async (ctx) => {
    if (!world) return ctx.skip();
    cloud.answerExpiryWith("500-token");
    const logins = cloud.count("user/login");
    const ops = cloud.count("devices/op");
    cloud.failNext("设备离线 device offline");
    const res = await op(world, washer);
    expect(res.body.RetCode).toBe("500");
    expect(String(res.body.RetInfo)).toContain("设备离线");
    expect(cloud.count("user/login")).toBe(logins);
    expect(cloud.count("devices/op")).toBe(ops + 1);
  });

  it.for<[ExpiryAnswer, string]>([
    ["500-token", "AccessToken 已失效"],
    ["401", "token expired"],
    ["http401", "unauthorized"],
  ])(
    "a vendor refusing even a fresh session (%s) gets a 502 with its RetInfo after exactly 2 calls",
    async ([kind, retInfo], ctx) => {
      if (!world) return ctx.skip();
      expect((await op(world, washer)).body.RetCode).toBe("200");
      cloud.answerExpiryWith(kind);
      const logins = cloud.count("user/login");
      const ops = cloud.count("devices/op");
      cloud.refuseAll(true);
      try {
        const res = await op(world, washer);
        expect(res.status).toBe(502);
        expect(res.body.RetCode).toBe("502");
        expect(String(res.body.RetInfo)).toContain(retInfo);
        expect(cloud.count("devices/op")).toBe(ops + 2);
        expect(cloud.count("user/login")).toBe(logins + 1);
      } finally {
        cloud.refuseAll(false);
      }
    },
  );

  it("adapterConfig.sessionTtl: the hub logs in again before a session is that old, never sending the old token", async (ctx) => {
    if (!world) return ctx.skip();
    expect((await op(world, timedWasher)).body.RetCode).toBe("200");
    expect((await op(world, washer)).body.RetCode).toBe("200");
    const logins = timed.count("user/login");
    const ops = timed.count("devices/op");
    const oldToken = timed.calls.at(-1)?.token;
    const untimedLogins = cloud.count("user/login");
    // Longer than the vendor's sessionTtl (1s): what is asserted is the order of calls, not a time.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await op(world, timedWasher)).body.RetCode).toBe("200");
    expect(timed.count("user/login")).toBe(logins + 1);
    expect(timed.count("devices/op")).toBe(ops + 1);
    expect(timed.calls.at(-1)?.token).not.toBe(oldToken);
    // A vendor without a sessionTtl keeps its session however old it is.
    expect((await op(world, washer)).body.RetCode).toBe("200");
    expect(cloud.count("user/login")).toBe(untimedLogins);
  });

  it("sessionTtl is checked at registration and PATCH: seconds or a duration string", async (ctx) => {
    if (!world) return ctx.skip();
    const path = "/admin/v1/platforms/VENDOR-TTL-0000";
    const bad = await world.admin.patch(path, { adapterConfig: { sessionTtl: "soon" } });
    expect(bad.status).toBe(400);
    expect(String(bad.body.RetInfo)).toContain("adapterConfig.sessionTtl");
    expect((await world.admin.patch(path, { adapterConfig: { sessionTtl: -5 } })).status).toBe(400);
    expect((await world.admin.patch(path, { adapterConfig: { sessionTtl: 3600 } })).status).toBe(200);
    const ok = await world.admin.patch(path, { adapterConfig: { sessionTtl: "1s" } });
    expect(ok.status).toBe(200);
    expect(ok.body.adapterConfig).toEqual({ sessionTtl: "1s" });
  });

  const sessionsOf = (w: World, userId: string) =>
    w.hub.hub.database.db.select().from(vendorSessions).where(eq(vendorSessions.userId, userId));

  it("user/logout ends the hub's session at every vendor it logged the user in to (the vendor's user/logout)", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const bob = await loginAs(w, "bob", "bob-token-1");
    // A household member on the same platform may share the washer; the bind opens bob's sessions.
    const bound = await w.call("user/bindDevices", {
      UserID: bob.userId,
      Device: devices([washer, timedWasher]),
    });
    expect(bound.body.RetCode).toBe("200");
    expect((await sessionsOf(w, bob.userId)).map((r) => r.vendorPlatId).sort()).toEqual([
      "VENDOR-EXP-0000",
      "VENDOR-TTL-0000",
    ]);
    const tokens = [cloud.calls.at(-1)?.token, timed.calls.at(-1)?.token];
    const before = { cloud: cloud.count("user/logout"), timed: timed.count("user/logout") };
    const res = await w.call("user/logout", {}, { AccessToken: bob.accessToken });
    expect(res.body.RetCode).toBe("200");
    expect([cloud.count("user/logout"), timed.count("user/logout")]).toEqual([
      before.cloud + 1,
      before.timed + 1,
    ]);
    expect([cloud.calls.at(-1), timed.calls.at(-1)]).toEqual([
      { api: "user/logout", token: tokens[0] },
      { api: "user/logout", token: tokens[1] },
    ]);
    expect(await sessionsOf(w, bob.userId)).toEqual([]);
  });

  it("a vendor whose user/logout fails does not fail the caller's logout; the session is forgotten", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const second = await (async () => {
      const app = platformClient(w.hub.url, w.appCreds);
      const login = await app("user/login", {
        User: [{ UserBase: { loginID: "alice" } }],
        AuthToken: "alice-token-1",
      });
      return { accessToken: login.headers.accesstoken ?? "" };
    })();
    // A second token of alice's: logging it out ends alice's vendor sessions, whatever the vendor says.
    expect((await sessionsOf(w, alice.userId)).length).toBeGreaterThan(0);
    const before = cloud.count("user/logout");
    cloud.refuseAll(true);
    try {
      const res = await w.call("user/logout", {}, { AccessToken: second.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.RetCode).toBe("200");
      expect(cloud.count("user/logout")).toBe(before + 1);
    } finally {
      cloud.refuseAll(false);
    }
    expect(await sessionsOf(w, alice.userId)).toEqual([]);
    // alice's first token still works; the hub simply logs in to the vendor again.
    const logins = cloud.count("user/login");
    expect((await op(w, washer)).body.RetCode).toBe("200");
    expect(cloud.count("user/login")).toBe(logins + 1);
  });
});
