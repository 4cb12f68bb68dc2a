/**
 * Issue 18, the sandbox (docs/design.md §7 "Sandbox"): a platform registered with "sandbox": true
 * lives in its own namespace — a production app cannot bind, read or operate a sandbox vendor's
 * device and the reverse (403, or FailedIDs for a bind), a sandbox vendor's reports never reach a
 * production receiver (even through a binding that should not exist), sandbox deliveries carry
 * `Yunlian-Sandbox: 1`, grants do not cross, manufacturer codes are one owner's in both
 * namespaces, and sandbox platforms have their own, lower rate limit. Promotion: refused until
 * certified (or forced), then fresh secrets, the sandbox's test data gone, audited.
 */
import { bindings, hubUsers } from "@yunlian/db";
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { type AppPlatform, startDeviceCloud } from "@yunlian/vendor-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, platformClient } from "./support/client.ts";
import { postgresOrSkip, startTestHub } from "./support/harness.ts";
import { selfClient } from "./support/self-client.ts";
import {
  addAppPlatform,
  addVendor,
  bothStorages,
  devices,
  loginAs,
  startWorld,
  startWorldIfAvailable,
  type Vendor,
  type World,
} from "./support/world.ts";

const SANDBOX_APP = "SBX-APP-0001";
const SANDBOX_VENDOR = "SBX-VENDOR-01";
const SANDBOX_CODE = "000008";

async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 10_000;
  let value = await read();
  while (!check(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

const reportsFor = (app: AppPlatform, deviceId: string) =>
  app.reports.filter((r) => (r.body as { DeviceID?: string }).DeviceID === deviceId);

describe.each(bothStorages)("sandbox namespace ($storage)", ({ storage }) => {
  let w: World | undefined;
  let sbxVendor: Vendor;
  let sbxApp: Awaited<ReturnType<typeof addAppPlatform>>;
  let alice: { userId: string; accessToken: string };
  let dave: { userId: string; accessToken: string };
  let sbxDevice = "";
  let prodDevice = "";

  beforeAll(async () => {
    w = await startWorldIfAvailable(storage);
    if (!w) return;
    sbxVendor = await addVendor(w.hub, w.admin, SANDBOX_VENDOR, SANDBOX_CODE, "hmac", 4, { sandbox: true });
    sbxApp = await addAppPlatform(w, SANDBOX_APP, [{ loginId: "dave", authToken: "dave-token-1" }], {
      sandbox: true,
    });
    alice = await loginAs(w, "alice", "alice-token-1");
    const login = await sbxApp.call("user/login", {
      User: [{ UserBase: { loginID: "dave" } }],
      AuthToken: "dave-token-1",
    });
    expect(login.body.RetCode).toBe("200");
    dave = {
      userId: (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "",
      accessToken: login.headers.accesstoken ?? "",
    };
    sbxDevice = sbxVendor.deviceIds[0] ?? "";
    prodDevice = w.vendors[0]?.deviceIds[0] ?? "";
  }, 60_000);
  afterAll(async () => {
    await sbxApp?.app.close();
    await sbxVendor?.cloud.close();
    await w?.close();
  });

  it("the admin API shows the flag; PATCH cannot change it (promotion does)", async () => {
    if (!w) return;
    const got = await w.admin.get(`/admin/v1/platforms/${SANDBOX_APP}`);
    expect(got.body).toMatchObject({ sandbox: true, promotedAt: null });
    expect((await w.admin.get(`/admin/v1/platforms/${w.appCreds.platId}`)).body).toMatchObject({
      sandbox: false,
    });
    const patched = await w.admin.patch(`/admin/v1/platforms/${SANDBOX_APP}`, { sandbox: false });
    expect(patched.status).toBe(400);
    expect(String(patched.body.RetInfo)).toContain(`/admin/v1/platforms/${SANDBOX_APP}/promote`);
  });

  it("a sandbox vendor cannot claim a production vendor's manufacturer code (409), nor the reverse", async () => {
    if (!w) return;
    const hijack = await w.admin.post("/admin/v1/platforms", {
      platId: "SBX-HIJACK",
      name: "hijack",
      manufacturerCodes: ["000006"],
      apiBaseUrl: "http://127.0.0.1:1/v1",
      sandbox: true,
    });
    expect(hijack.status).toBe(409);
    expect(String(hijack.body.RetInfo)).toContain("000006");
    const reverse = await w.admin.patch(`/admin/v1/platforms/${w.vendors[1]?.platId}`, {
      manufacturerCodes: ["000007", SANDBOX_CODE],
    });
    expect(reverse.status).toBe(409);
  });

  it("a production app cannot bind, read or operate a sandbox vendor's device", async () => {
    if (!w) return;
    const bound = await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([sbxDevice]) });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [sbxDevice] });
    expect(String(bound.body.RetInfo)).toContain("sandbox and production never mix");
    for (const api of ["devices/deviceInfo", "devices/deviceStatus"]) {
      const res = await w.call(api, { UserID: alice.userId, Device: devices([sbxDevice]) });
      expect(res.status, api).toBe(403);
      expect(res.body.RetCode).toBe("403");
      expect(String(res.body.RetInfo)).toContain(`its vendor ${SANDBOX_VENDOR} is a sandbox platform`);
    }
    const op = await w.call(
      "devices/op",
      { UserID: alice.userId, Device: devices([sbxDevice], { onOff: "1" }) },
      { AccessToken: alice.accessToken },
    );
    expect(op.status).toBe(403);
    // Nothing reached the sandbox vendor for any of it.
    expect(sbxVendor.cloud.calls.filter((c) => c.api !== "user/login")).toEqual([]);
  });

  it("a sandbox app cannot reach a production vendor's device", async () => {
    if (!w) return;
    const bound = await sbxApp.call("user/bindDevices", {
      UserID: dave.userId,
      Device: devices([prodDevice]),
    });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [prodDevice] });
    expect(String(bound.body.RetInfo)).toContain(`${SANDBOX_APP} is a sandbox one`);
    const info = await sbxApp.call("devices/deviceInfo", {
      UserID: dave.userId,
      Device: devices([prodDevice]),
    });
    expect(info.status).toBe(403);
  });

  it("within the sandbox all works; its deliveries carry Yunlian-Sandbox: 1", async () => {
    if (!w) return;
    const bound = await sbxApp.call("user/bindDevices", {
      UserID: dave.userId,
      Device: devices([sbxDevice]),
    });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    await sbxVendor.cloud.setDeviceAttrs(sbxDevice, { onOff: "1" });
    const got = await eventually(
      () => reportsFor(sbxApp.app, sbxDevice),
      (r) => r.length >= 1,
    );
    expect(got[0]?.headers["yunlian-sandbox"]).toBe("1");
    expect(got[0]?.signatureValid).toBe(true);
    // A production delivery carries no such label.
    const aliceBinds = await w.call("user/bindDevices", {
      UserID: alice.userId,
      Device: devices([prodDevice]),
    });
    expect(aliceBinds.body).toMatchObject({ FailedIDs: [] });
    await w.vendors[0]?.cloud.setDeviceAttrs(prodDevice, { onOff: "1" });
    const prod = await eventually(
      () => reportsFor(w?.app as AppPlatform, prodDevice),
      (r) => r.length >= 1,
    );
    expect(prod[0]?.headers["yunlian-sandbox"]).toBeUndefined();
  });

  it("a sandbox vendor's report never reaches a production receiver, even through a stray binding", async () => {
    if (!w) return;
    // A binding no API can make (the refusals above): written straight into the table, as a bug
    // or an old row might have left it. Ingest still keeps the report in the sandbox.
    await w.hub.hub.database.db.insert(bindings).values({
      userId: alice.userId,
      udeviceId: sbxDevice,
      platId: w.appCreds.platId,
      vendorPlatId: SANDBOX_VENDOR,
    });
    const before = reportsFor(sbxApp.app, sbxDevice).length;
    await sbxVendor.cloud.setDeviceAttrs(sbxDevice, { onOff: "0" });
    await eventually(
      () => reportsFor(sbxApp.app, sbxDevice).length,
      (n) => n > before,
    );
    expect(reportsFor(w.app, sbxDevice)).toEqual([]);
    const rows = await w.admin.get(`/admin/v1/deliveries?platId=${w.appCreds.platId}&device=${sbxDevice}`);
    expect(rows.body.deliveries).toEqual([]);
  });

  it("grants do not cross namespaces (403, audited)", async () => {
    if (!w) return;
    const grant = await selfClient(w.hub.url, sbxApp.creds)("POST", "/grants", {
      deviceId: sbxDevice,
      granteePlatId: w.appCreds.platId,
    });
    expect(grant.status).toBe(403);
    expect(String(grant.body.RetInfo)).toContain("sandbox and production never mix");
  });

  it("promotion is refused until certified (409, audited), forced is accepted and audited as forced", async () => {
    if (!w) return;
    const refused = await w.admin.post(`/admin/v1/platforms/${SANDBOX_APP}/promote`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ RetCode: "409" });
    expect(String(refused.body.RetInfo)).toContain("is not certified");
    expect(String(refused.body.RetInfo)).toContain('{"force": true}');
    const oldCreds = sbxApp.creds;

    const promoted = await w.admin.post(`/admin/v1/platforms/${SANDBOX_APP}/promote`, { force: true });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({
      platform: { platId: SANDBOX_APP, sandbox: false, promotedAt: expect.any(String) },
      forced: true,
      certifiedAt: null,
      removed: { users: 1, bindings: 1 },
    });
    const appSecret = String(promoted.body.appSecret);
    const webhookSecret = String(promoted.body.webhookSecret);
    expect(appSecret).toMatch(/^whsec_/);
    expect(appSecret).not.toBe(oldCreds.appSecret);
    expect(webhookSecret).not.toBe(oldCreds.webhookSecret);

    // The sandbox secret stops at once; the new one works. The sandbox user is gone.
    const old = await sbxApp.call("users/devices", { UserID: dave.userId });
    expect(old.status).toBe(401);
    const fresh = platformClient(w.hub.url, { platId: oldCreds.platId, appId: oldCreds.appId, appSecret });
    const gone = await fresh("users/devices", { UserID: dave.userId });
    expect(gone.status).toBe(404);
    const users = await w.hub.hub.database.db.select().from(hubUsers);
    expect(users.some((u) => u.platId === SANDBOX_APP)).toBe(false);

    // Now production: its users reach production devices, and no longer the sandbox's.
    const audit = await w.admin.get("/admin/v1/audit?action=platform.promote");
    expect(audit.body.entries).toMatchObject([
      { outcome: "ok", target: SANDBOX_APP, detail: { forced: true } },
      { outcome: "denied", target: SANDBOX_APP },
    ]);
    const again = await w.admin.post(`/admin/v1/platforms/${SANDBOX_APP}/promote`, { force: true });
    expect(again.status).toBe(409);
    expect(String(again.body.RetInfo)).toContain("not in the sandbox");
  });

  it("a promoted vendor's devices join production: a production app binds them; deliveries unlabelled", async () => {
    if (!w) return;
    const promoted = await w.admin.post(`/admin/v1/platforms/${SANDBOX_VENDOR}/promote`, { force: true });
    expect(promoted.status).toBe(200);
    // Its sandbox bindings were test data: removed (dave's went with SBX-APP's promotion; the
    // stray one of alice's is left), with its device's shadow.
    expect(promoted.body).toMatchObject({ removed: { bindings: 1, devices: 1 } });
    expect(String(promoted.body.ingestUrl)).toContain("/v1/dataservices/dataGateway/");
    // The vendor's cloud takes its fresh appSecret (it signs verify calls and reports with it).
    const port = sbxVendor.cloud.port;
    await sbxVendor.cloud.close();
    sbxVendor.cloud = await startDeviceCloud({
      platId: SANDBOX_VENDOR,
      appId: sbxVendor.appId,
      manufacturerCode: SANDBOX_CODE,
      port,
      verifyUrl: `${w.hub.url}/v1/user/verify`,
      appSecret: String(promoted.body.appSecret),
      hubDataGatewayUrl: `${w.hub.url}/v1/dataservices/dataGateway`,
    });
    const bound = await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([sbxDevice]) });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    await sbxVendor.cloud.setDeviceAttrs(sbxDevice, { onOff: "1" });
    const got = await eventually(
      () => reportsFor(w?.app as AppPlatform, sbxDevice),
      (r) => r.length >= 1,
    );
    expect(got[0]?.headers["yunlian-sandbox"]).toBeUndefined();
  });
});

describe("sandbox rate limit (HUB_SANDBOX_RATE_LIMIT)", () => {
  it("a sandbox platform draws from its own, lower bucket; production keeps HUB_RATE_LIMIT", async () => {
    const hub = await startTestHub("pglite", { HUB_SANDBOX_RATE_LIMIT: "1/m,burst=3" });
    try {
      const admin = adminClient(hub.url, hub.adminToken);
      const creds = async (platId: string, sandbox: boolean) => {
        const reg = await admin.post("/admin/v1/platforms", { platId, name: platId, sandbox });
        return { platId, appId: String(reg.body.appId), appSecret: String(reg.body.appSecret) };
      };
      const sandbox = platformClient(hub.url, await creds("SBX-LIMITED", true));
      const production = platformClient(hub.url, await creds("PROD-FREE", false));
      const statuses = async (call: ReturnType<typeof platformClient>) => {
        const out: number[] = [];
        for (let i = 0; i < 4; i++) out.push((await call("users/devices", { UserID: "nobody" })).status);
        return out;
      };
      const limited = await statuses(sandbox);
      expect(limited.slice(0, 3)).toEqual([404, 404, 404]);
      expect(limited[3]).toBe(429);
      expect(await statuses(production)).toEqual([404, 404, 404, 404]);
      const last = await sandbox("users/devices", { UserID: "nobody" });
      expect(String(last.body.RetInfo)).toContain("rate limit of sandbox platform SBX-LIMITED");
    } finally {
      await hub.close();
    }
  });
});

describe("promotion with the certification port", () => {
  it("a platform the port calls certified is promoted without force; the answer says when", async () => {
    const certifiedAt = new Date("2026-12-01T08:00:00.000Z");
    const hub = await startTestHub(
      "pglite",
      {},
      { certification: { certifiedAt: async (platId) => (platId === "SBX-CERTIFIED" ? certifiedAt : null) } },
    );
    try {
      const admin = adminClient(hub.url, hub.adminToken);
      for (const platId of ["SBX-CERTIFIED", "SBX-NOT-YET"]) {
        expect(
          (await admin.post("/admin/v1/platforms", { platId, name: platId, sandbox: true })).status,
        ).toBe(201);
      }
      const ok = await admin.post("/admin/v1/platforms/SBX-CERTIFIED/promote", undefined);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        forced: false,
        certifiedAt: certifiedAt.toISOString(),
        platform: { sandbox: false },
      });
      expect((await admin.post("/admin/v1/platforms/SBX-NOT-YET/promote", {})).status).toBe(409);
      const audit = await admin.get("/admin/v1/audit?action=platform.promote");
      expect(audit.body.entries).toMatchObject([
        { target: "SBX-NOT-YET", outcome: "denied" },
        {
          target: "SBX-CERTIFIED",
          outcome: "ok",
          detail: { forced: false, certifiedAt: certifiedAt.toISOString() },
        },
      ]);
    } finally {
      await hub.close();
    }
  });
});

describe("sandbox deliveries through BullMQ (PostgreSQL + REDIS_URL)", () => {
  let w: World | undefined;
  beforeAll(async () => {
    if (!(await postgresOrSkip()) || !(await redisAvailable())) return;
    w = await startWorld("postgres", {
      REDIS_URL: TEST_REDIS_URL,
      HUB_QUEUE_PREFIX: uniquePrefix("sbx"),
      HUB_DELIVERY_BACKOFF: "0s",
    });
  }, 60_000);
  afterAll(async () => w?.close());

  it("the first attempt (queued at ingest) and a replay (queued by the relay) both carry Yunlian-Sandbox: 1", async (ctx) => {
    if (!w) return ctx.skip();
    const vendor = await addVendor(w.hub, w.admin, SANDBOX_VENDOR, SANDBOX_CODE, "hmac", 2, {
      sandbox: true,
    });
    const app = await addAppPlatform(w, SANDBOX_APP, [{ loginId: "erin", authToken: "erin-token-1" }], {
      sandbox: true,
    });
    try {
      const login = await app.call("user/login", {
        User: [{ UserBase: { loginID: "erin" } }],
        AuthToken: "erin-token-1",
      });
      const userId = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
      const device = vendor.deviceIds[0] ?? "";
      expect(
        (await app.call("user/bindDevices", { UserID: userId, Device: devices([device]) })).body,
      ).toMatchObject({
        FailedIDs: [],
      });
      await vendor.cloud.setDeviceAttrs(device, { onOff: "1" });
      const first = await eventually(
        () => reportsFor(app.app, device),
        (r) => r.length >= 1,
      );
      expect(first[0]?.headers["yunlian-sandbox"]).toBe("1");
      expect(w.hub.hub.delivery.mode).toBe("bullmq");

      // One attempt, refused: dead at once (HUB_DELIVERY_BACKOFF "0s"); the replay goes through the relay.
      app.app.setReceiverMode("fail500");
      await vendor.cloud.setDeviceAttrs(device, { onOff: "0" });
      const dead = await eventually(
        async () =>
          (await w?.admin.get(`/admin/v1/deliveries?platId=${SANDBOX_APP}&status=dead`))?.body.deliveries as {
            id: string;
          }[],
        (rows) => rows.length === 1,
      );
      app.app.setReceiverMode("ok");
      const before = reportsFor(app.app, device).length;
      expect((await w.admin.post(`/admin/v1/deliveries/${dead[0]?.id}/replay`, {})).status).toBe(202);
      const replayed = await eventually(
        () => reportsFor(app.app, device),
        (r) => r.length > before,
      );
      expect(replayed.at(-1)?.webhookId).toBe(dead[0]?.id);
      expect(replayed.at(-1)?.headers["yunlian-sandbox"]).toBe("1");
    } finally {
      await app.app.close();
      await vendor.cloud.close();
    }
  }, 60_000);
});
