import { platforms } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, platformClient, requestSignature } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

interface Creds {
  platId: string;
  appId: string;
  appSecret: string;
}

/**
 * Signs like a platform would (POST, the path, the body: docs/design.md §7), but lets the test
 * choose the id, the time and the secret.
 */
function signed(
  creds: Creds,
  body: string,
  opts: { id?: string; at?: Date; secret?: string; path?: string } = {},
) {
  return {
    "content-type": "application/json",
    PlatID: creds.platId,
    ...requestSignature(opts.secret ?? creds.appSecret, "POST", opts.path ?? "/v1/users/devices", body, opts),
  };
}

describe("caller authentication: hmac signatures, replay, rotation, PlatID and device ownership", () => {
  let hub: TestHub;
  let admin: ReturnType<typeof adminClient>;
  let app: Creds;
  let vendorA: Creds;
  let vendorB: Creds;
  const body = JSON.stringify({ UserID: "U-NOBODY" });
  const post = async (path: string, headers: Record<string, string>, text = body) => {
    const res = await request(`${hub.url}${path}`, { method: "POST", headers, body: text });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };
  const usersDevices = (headers: Record<string, string>, text = body) =>
    post("/v1/users/devices", headers, text);

  beforeAll(async () => {
    hub = await startTestHub("pglite");
    admin = adminClient(hub.url, hub.adminToken);
    const register = async (platId: string, extra: Record<string, unknown> = {}): Promise<Creds> => {
      const res = await admin.post("/admin/v1/platforms", {
        platId,
        name: platId,
        verifyUrl: "http://127.0.0.1:9/v",
        ...extra,
      });
      expect(res.status).toBe(201);
      return { platId, appId: String(res.body.appId), appSecret: String(res.body.appSecret) };
    };
    app = await register("AUTH-APP");
    vendorA = await register("AUTH-VENDOR-A", {
      manufacturerCodes: ["000006"],
      apiBaseUrl: "http://127.0.0.1:9/v1",
    });
    vendorB = await register("AUTH-VENDOR-B", {
      manufacturerCodes: ["000007"],
      apiBaseUrl: "http://127.0.0.1:9/v1",
    });
  }, 60_000);
  afterAll(async () => hub?.close());

  it("a correctly signed request passes (404: authenticated, the user does not exist)", async () => {
    expect((await usersDevices(signed(app, body))).status).toBe(404);
  });

  it("refuses an unsigned request", async () => {
    const res = await usersDevices({ "content-type": "application/json", PlatID: app.platId });
    expect(res.status).toBe(401);
    expect(res.body.RetCode).toBe("401");
  });

  it("refuses a signature made with another secret, and a body changed after signing", async () => {
    const forged = signed(app, body, { secret: "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=" });
    expect((await usersDevices(forged)).status).toBe(401);
    const tampered = signed(app, body);
    expect((await usersDevices(tampered, JSON.stringify({ UserID: "U-OTHER" }))).status).toBe(401);
  });

  it("refuses a timestamp more than 5 minutes off, in the past or the future", async () => {
    for (const offset of [-6 * 60_000, 6 * 60_000]) {
      const res = await usersDevices(signed(app, body, { at: new Date(Date.now() + offset) }));
      expect(res.status).toBe(401);
      expect(String(res.body.RetInfo)).toMatch(/timestamp/i);
    }
    // 4 minutes off is within the tolerance.
    expect((await usersDevices(signed(app, body, { at: new Date(Date.now() - 4 * 60_000) }))).status).toBe(
      404,
    );
  });

  it("refuses a replayed request: the same webhook-id twice", async () => {
    const headers = signed(app, body);
    expect((await usersDevices(headers)).status).toBe(404);
    const again = await usersDevices(headers);
    expect(again.status).toBe(401);
    expect(String(again.body.RetInfo)).toMatch(/replayed/);
  });

  it("refuses a platform claiming another's PlatID (signed with its own secret) or another's AppID", async () => {
    const claimed = { ...signed({ ...vendorA, platId: app.platId }, body) };
    expect((await usersDevices(claimed)).status).toBe(401);
    const wrongAppId = { ...signed(app, body), AppID: vendorA.appId };
    const res = await usersDevices(wrongAppId);
    expect(res.status).toBe(401);
    expect(String(res.body.RetInfo)).toMatch(/AppID/);
  });

  it("rotation: both secrets verify during the grace period, only the new one after it", async () => {
    const rotated = await admin.post(`/admin/v1/platforms/${app.platId}/secret`, {});
    const fresh = String(rotated.body.appSecret);
    expect((await usersDevices(signed(app, body))).status).toBe(404);
    expect((await usersDevices(signed(app, body, { secret: fresh }))).status).toBe(404);
    // End the grace period now (as 24 h later), and reload the platform.
    await hub.hub.database.db
      .update(platforms)
      .set({ previousSecretExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(platforms.platId, app.platId));
    await hub.hub.platformSync.refresh(app.platId);
    expect((await usersDevices(signed(app, body))).status).toBe(401);
    expect((await usersDevices(signed(app, body, { secret: fresh }))).status).toBe(404);
    app = { ...app, appSecret: fresh };
  });

  it("a vendor may report only devices with its own manufacturer codes (403)", async () => {
    const report = (deviceId: string) =>
      JSON.stringify({
        DeviceID: deviceId,
        DataType: "attr",
        DeviceStatus: { onOffStatus: "True" },
        TimeStamp: "1444965812870",
      });
    const othersDevice = report("0000060102002001ABC");
    const gateway = { path: "/v1/dataservices/dataGateway" };
    const res = await post(
      "/v1/dataservices/dataGateway",
      signed(vendorB, othersDevice, gateway),
      othersDevice,
    );
    expect(res.status).toBe(403);
    expect(res.body.RetCode).toBe("403");
    const ownDevice = report("0000070102002001ABC");
    expect(
      (await post("/v1/dataservices/dataGateway", signed(vendorB, ownDevice, gateway), ownDevice)).status,
    ).toBe(200);
  });

  it("mode none: PlatID and the hub-issued AppID, both required (no signature)", async () => {
    const res = await admin.post("/admin/v1/platforms", {
      platId: "AUTH-PLAIN",
      name: "plain",
      verifyUrl: "http://127.0.0.1:9/v",
      security: { mode: "none" },
    });
    expect(res.status).toBe(201);
    const appId = String(res.body.appId);
    const withBoth = platformClient(hub.url, { platId: "AUTH-PLAIN", appId });
    expect((await withBoth("users/devices", { UserID: "U-NOBODY" })).status).toBe(404);
    // PlatIDs are easy to learn: alone, one is no longer a credential.
    const platIdOnly = await platformClient(hub.url, { platId: "AUTH-PLAIN" })("users/devices", {
      UserID: "U-NOBODY",
    });
    expect(platIdOnly.status).toBe(401);
    expect(String(platIdOnly.body.RetInfo)).toMatch(/AppID is required/);
    const wrongAppId = await platformClient(hub.url, { platId: "AUTH-PLAIN", appId: app.appId })(
      "users/devices",
      { UserID: "U-NOBODY" },
    );
    expect(wrongAppId.status).toBe(401);
    // A report "from" a none vendor needs both headers too.
    await admin.post("/admin/v1/platforms", {
      platId: "AUTH-PLAIN-VENDOR",
      name: "plain vendor",
      manufacturerCodes: ["000008"],
      apiBaseUrl: "http://127.0.0.1:9/v1",
      security: { mode: "none" },
    });
    const vendor = await admin.get("/admin/v1/platforms/AUTH-PLAIN-VENDOR");
    const report = {
      DeviceID: "0000080102002001ABC",
      DataType: "attr",
      DeviceStatus: { onOffStatus: "True" },
      TimeStamp: "1444965812870",
    };
    const fake = await platformClient(hub.url, { platId: "AUTH-PLAIN-VENDOR" })(
      "dataservices/dataGateway",
      report,
    );
    expect(fake.status).toBe(401);
    const real = await platformClient(hub.url, {
      platId: "AUTH-PLAIN-VENDOR",
      appId: String(vendor.body.appId),
    })("dataservices/dataGateway", report);
    expect(real.status).toBe(200);
  });

  it("every authentication failure is in the audit log, with who claimed what and why", async () => {
    const res = await admin.get("/admin/v1/audit?action=auth.standard&limit=500");
    expect(res.status).toBe(200);
    const entries = res.body.entries as { target: string; outcome: string; detail: { reason: string } }[];
    const reasons = entries.filter((e) => e.target === app.platId).map((e) => e.detail.reason);
    expect(entries.every((e) => e.outcome === "denied")).toBe(true);
    expect(reasons.some((r) => /required/.test(r))).toBe(true);
    expect(reasons.some((r) => /replayed/.test(r))).toBe(true);
    expect(reasons.some((r) => /timestamp/i.test(r))).toBe(true);
    const bad = await adminClient(hub.url, "not-the-admin-token-at-all").get("/admin/v1/platforms");
    expect(bad.status).toBe(401);
    const adminFailures = await admin.get("/admin/v1/audit?action=auth.admin");
    expect((adminFailures.body.entries as unknown[]).length).toBeGreaterThan(0);
  });
});

describe("behind a proxy that strips HUB_PUBLIC_URL's path, the platform signs the path it called", () => {
  let hub: TestHub;
  let creds: Creds;

  beforeAll(async () => {
    // The proxy serves the hub at https://gateway.example/yunlian/ and forwards /v1/… to it.
    hub = await startTestHub("pglite", { HUB_PUBLIC_URL: "https://gateway.example/yunlian/" });
    const res = await adminClient(hub.url, hub.adminToken).post("/admin/v1/platforms", {
      platId: "PROXIED-APP",
      name: "proxied",
      verifyUrl: "http://127.0.0.1:9/v",
    });
    creds = { platId: "PROXIED-APP", appId: String(res.body.appId), appSecret: String(res.body.appSecret) };
  }, 60_000);
  afterAll(async () => hub?.close());

  it("verifies the signature of /yunlian/v1/… for the /v1/… the hub receives, not of /v1/…", async () => {
    const body = JSON.stringify({ UserID: "U-NOBODY" });
    const call = async (signedPath: string) => {
      const headers = signed(creds, body, { path: signedPath });
      const res = await request(`${hub.url}/v1/users/devices`, { method: "POST", headers, body });
      await res.body.dump();
      return res.statusCode;
    };
    expect(await call("/yunlian/v1/users/devices")).toBe(404);
    expect(await call("/v1/users/devices")).toBe(401);
  });
});
