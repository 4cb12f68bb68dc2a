/**
 * Issue 16, sharing grants (standard 7.2.1's trust rule completed, docs/design.md §4): the platform
 * through which a device is bound grants another platform's users access; a grantee's user may then
 * bind it; revoking unbinds them and stops their deliveries; every grant and revocation is audited
 * and sent to both platforms as a notice with DataType "grant".
 */
import type { AppPlatform } from "@yunlian/vendor-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Answer } from "./support/client.ts";
import { consoleSession } from "./support/console-session.ts";
import { selfClient } from "./support/self-client.ts";
import {
  addAppPlatform,
  bothStorages,
  devices,
  loginAs,
  startWorldIfAvailable,
  type World,
} from "./support/world.ts";

const OTHER = "APP-PLAT-0002";

/** Waits (up to 10 s) until `check` holds; the assertions are on what arrived, never on time. */
async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 10_000;
  let value = await read();
  while (!check(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

type Notice = { DeviceID: string; DataType: string; DeviceStatus: Record<string, string> };
const noticesOf = (app: AppPlatform) => app.notices.map((n) => n.body as Notice);
const reportsFor = (app: AppPlatform, deviceId: string) =>
  app.reports.filter((r) => (r.body as { DeviceID?: string }).DeviceID === deviceId);

describe.each(bothStorages)("sharing grants ($storage)", ({ storage }) => {
  let w: World | undefined;
  let other: Awaited<ReturnType<typeof addAppPlatform>>;
  let alice: { userId: string; accessToken: string };
  let carol: { userId: string; accessToken: string };
  let washer = "";
  let selfA: ReturnType<typeof selfClient>;
  let selfB: ReturnType<typeof selfClient>;
  const carolBinds = async () =>
    (await other.call("user/bindDevices", { UserID: carol.userId, Device: devices([washer]) })).body;

  beforeAll(async () => {
    // A failed delivery waits 10 minutes for its retry: the revocation comes first, deterministically.
    w = await startWorldIfAvailable(storage, { HUB_DELIVERY_BACKOFF: "0s,10m,10m" });
    if (!w) return;
    other = await addAppPlatform(w, OTHER, [{ loginId: "carol", authToken: "carol-token-1" }]);
    alice = await loginAs(w, "alice", "alice-token-1");
    const login = await other.call("user/login", {
      User: [{ UserBase: { loginID: "carol" } }],
      AuthToken: "carol-token-1",
    });
    carol = {
      userId: (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "",
      accessToken: login.headers.accesstoken ?? "",
    };
    washer = w.vendors[0]?.deviceIds[0] ?? "";
    const bound = await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer]) });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    selfA = selfClient(w.hub.url, w.appCreds);
    selfB = selfClient(w.hub.url, other.creds);
  }, 60_000);
  afterAll(async () => {
    await other?.app.close();
    await w?.close();
  });

  it("without a grant, another platform's user is refused the device (today's rule)", async () => {
    if (!w) return;
    const body = await carolBinds();
    expect(body.FailedIDs).toEqual([washer]);
    expect(String(body.RetInfo)).toContain("has not granted it");
  });

  it("a platform that does not hold the device cannot grant it (403, audited)", async () => {
    if (!w) return;
    const res = await selfB("POST", "/grants", { deviceId: washer, granteePlatId: w.appCreds.platId });
    expect(res.status).toBe(403);
    const audit = await w.admin.get("/admin/v1/audit?action=self.grant.create");
    expect(audit.body.entries).toMatchObject([
      { outcome: "denied", target: washer, actor: `platform:${OTHER}` },
    ]);
  });

  it("grant → the grantee's user binds it and receives its reports; both platforms get the notice", async () => {
    if (!w) return;
    const granted = await selfA("POST", "/grants", { deviceId: washer, granteePlatId: OTHER });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      deviceId: washer,
      grantorPlatId: w.appCreds.platId,
      granteePlatId: OTHER,
    });
    const again = await selfA("POST", "/grants", { deviceId: washer, granteePlatId: OTHER });
    expect(again.status).toBe(200);
    const listed = await selfB("GET", "/grants");
    expect(listed.body.grants).toMatchObject([{ deviceId: washer, granteePlatId: OTHER }]);

    for (const app of [w.app, other.app]) {
      const notices = await eventually(
        () => noticesOf(app),
        (n) => n.length >= 1,
      );
      expect(notices[0]).toMatchObject({
        DeviceID: washer,
        DataType: "grant",
        DeviceStatus: { grant: "granted", grantorPlatId: w.appCreds.platId, granteePlatId: OTHER },
      });
    }
    expect(other.app.notices[0]?.signatureValid).toBe(true);

    expect(await carolBinds()).toMatchObject({ RetCode: "200", FailedIDs: [] });
    await w.vendors[0]?.cloud.setDeviceAttrs(washer, { laundryCycle: "5" });
    const got = await eventually(
      () => reportsFor(other.app, washer),
      (r) => r.length >= 1,
    );
    expect(got.length).toBeGreaterThanOrEqual(1);

    // A report the grantee's receiver refuses stays open for a retry (until the revocation below).
    other.app.setReceiverMode("fail500");
    await w.vendors[0]?.cloud.setDeviceAttrs(washer, { laundryCycle: "7" });
    const failed = await eventually(
      async () => (await w?.admin.get(`/admin/v1/deliveries?platId=${OTHER}&status=failed`))?.body.deliveries,
      (rows) => Array.isArray(rows) && rows.length === 1,
    );
    expect(failed).toHaveLength(1);
    other.app.setReceiverMode("ok");
  });

  it("revoke → the grantee's user is unbound, gets no more deliveries, both platforms are told; audited", async () => {
    if (!w) return;
    // Only the grantor revokes its grant: the grantee cannot.
    expect((await selfB("DELETE", `/grants/${washer}/${OTHER}`)).status).toBe(404);
    const revoked: Answer = await selfA("DELETE", `/grants/${washer}/${OTHER}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ unboundUsers: 1 });
    // The retry waiting for the grantee ended with the grant.
    const dead = await w.admin.get(`/admin/v1/deliveries?platId=${OTHER}&status=dead`);
    expect(dead.body.deliveries).toMatchObject([
      { udeviceId: washer, lastError: expect.stringContaining("revoked") },
    ]);
    expect((await w.admin.get(`/admin/v1/deliveries?platId=${OTHER}&status=failed`)).body.deliveries).toEqual(
      [],
    );

    const status = await other.call("devices/deviceStatus", {
      UserID: carol.userId,
      Device: devices([washer]),
    });
    expect(status.status).toBe(403);
    const listed = await other.call("users/devices", { UserID: carol.userId });
    expect(listed.body.Device).toEqual([]);
    // The vendor was asked to unbind carol too.
    expect(w.vendors[0]?.cloud.calls.some((c) => c.api === "user/unbindDevices")).toBe(true);

    for (const app of [w.app, other.app]) {
      const notices = await eventually(
        () => noticesOf(app),
        (n) => n.some((x) => x.DeviceStatus.grant === "revoked"),
      );
      expect(notices.some((x) => x.DeviceStatus.grant === "revoked")).toBe(true);
    }

    const admin = w.admin;
    const deliveriesToOther = async () => {
      const page = await admin.get(`/admin/v1/deliveries?platId=${OTHER}&device=${washer}`);
      return (page.body.deliveries as unknown[]).length;
    };
    const beforeOther = reportsFor(other.app, washer).length;
    const beforeRows = await deliveriesToOther();
    const beforeMine = reportsFor(w.app, washer).length;
    await w.vendors[0]?.cloud.setDeviceAttrs(washer, { laundryCycle: "6" });
    await eventually(
      () => reportsFor(w?.app as AppPlatform, washer).length,
      (n) => n > beforeMine,
    );
    expect(reportsFor(other.app, washer).length).toBe(beforeOther);
    expect(await deliveriesToOther()).toBe(beforeRows);
    expect(await carolBinds()).toMatchObject({ FailedIDs: [washer] });

    const audit = await w.admin.get("/admin/v1/audit?action=self.grant.*");
    const actions = (audit.body.entries as { action: string; outcome: string }[]).map(
      (e) => `${e.action}:${e.outcome}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining(["self.grant.create:ok", "self.grant.revoke:ok", "self.grant.create:denied"]),
    );
  });

  it("the operator grants on a holder's behalf, lists and revokes (admin API)", async () => {
    if (!w) return;
    const refused = await w.admin.post("/admin/v1/grants", {
      deviceId: washer,
      granteePlatId: w.appCreds.platId,
      grantorPlatId: OTHER,
    });
    expect(refused.status).toBe(403);
    const made = await w.admin.post("/admin/v1/grants", {
      deviceId: washer,
      granteePlatId: OTHER,
      grantorPlatId: w.appCreds.platId,
    });
    expect(made.status).toBe(201);
    const listed = await w.admin.get(`/admin/v1/grants?platId=${OTHER}`);
    expect(listed.body.grants).toMatchObject([{ deviceId: washer, grantorPlatId: w.appCreds.platId }]);
    const gone = await w.admin.delete(`/admin/v1/grants/${washer}/${OTHER}`);
    expect(gone.status).toBe(200);
    expect((await w.admin.get("/admin/v1/grants")).body.grants).toEqual([]);
    const audit = await w.admin.get("/admin/v1/audit?action=grant.*");
    expect((audit.body.entries as { action: string }[]).map((e) => e.action)).toEqual(
      expect.arrayContaining(["grant.create", "grant.revoke"]),
    );
  });

  it("the console grants on a holder's behalf and revokes", async () => {
    if (!w) return;
    const hubUrl = w.hub.url;
    const session = await consoleSession(hubUrl, w.hub.adminToken);
    const post = async (path: string, fields: Record<string, string>) =>
      (await session.post(path, fields)).html;
    const granted = await post("/console/grants", {
      deviceId: washer,
      grantorPlatId: w.appCreds.platId,
      granteePlatId: OTHER,
    });
    expect(granted).toContain(`Granted ${washer} to ${OTHER}.`);
    expect((await w.admin.get("/admin/v1/grants")).body.grants).toMatchObject([{ deviceId: washer }]);
    const refused = await post("/console/grants", {
      deviceId: washer,
      grantorPlatId: OTHER,
      granteePlatId: w.appCreds.platId,
    });
    expect(refused).toContain("cannot grant");
    const revoked = await post(`/console/grants/${washer}/${OTHER}/revoke`, {});
    expect(revoked).toContain("Revoked:");
    expect((await w.admin.get("/admin/v1/grants")).body.grants).toEqual([]);
  });
});
