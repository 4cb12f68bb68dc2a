import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, platformClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

describe("admin API: platforms (docs/design.md §7)", () => {
  let hub: TestHub;
  let admin: ReturnType<typeof adminClient>;
  const body = {
    platId: "PARTNER-HAIER-0000",
    name: "Haier U+",
    manufacturerCodes: ["000006"],
    adapter: "standard",
    adapterConfig: {},
    apiBaseUrl: "http://127.0.0.1:9/v1",
    verifyUrl: "http://127.0.0.1:9/v1/user/verify",
    dataGatewayUrl: "http://127.0.0.1:9/v1/dataservices/dataGateway",
    appId: "17592186044420",
    security: { mode: "hmac" },
  };

  beforeAll(async () => {
    hub = await startTestHub("pglite");
    admin = adminClient(hub.url, hub.adminToken);
  }, 60_000);
  afterAll(async () => hub?.close());

  it("refuses callers without the operator token", async () => {
    const res = await adminClient(hub.url, "wrong-token-wrong-token").get("/admin/v1/platforms");
    expect(res.status).toBe(401);
    expect(res.body.RetCode).toBe("401");
  });

  it("registers: 201 with the stored platform, the hub-issued appId, appSecret and webhookSecret (once)", async () => {
    const res = await admin.post("/admin/v1/platforms", body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      platId: body.platId,
      name: body.name,
      manufacturerCodes: ["000006"],
      adapter: "standard",
      apiBaseUrl: body.apiBaseUrl,
      vendorAppId: "17592186044420",
      security: { mode: "hmac", certFingerprints: [] },
    });
    expect(String(res.body.appId)).toMatch(/^YL[0-9A-F]{24}$/);
    expect(String(res.body.appSecret)).toMatch(/^whsec_/);
    // docs/design.md §7: whsec_ + base64 of 32 random bytes, another secret than the appSecret.
    expect(String(res.body.webhookSecret)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(String(res.body.webhookSecret).slice(6), "base64")).toHaveLength(32);
    expect(res.body.webhookSecret).not.toBe(res.body.appSecret);
    const shown = await admin.get(`/admin/v1/platforms/${body.platId}`);
    expect(shown.status).toBe(200);
    expect(shown.body.appSecret).toBeUndefined();
    expect(shown.body.webhookSecret).toBeUndefined();
    expect(shown.body.appId).toBe(res.body.appId);
    const list = await admin.get("/admin/v1/platforms");
    expect((list.body.platforms as { platId: string }[]).map((p) => p.platId)).toEqual([body.platId]);
  });

  it("validates the body: field named, cross-field rules, unknown adapter, bad URL", async () => {
    const bad = async (patch: Record<string, unknown>, field: string) => {
      const res = await admin.post("/admin/v1/platforms", {
        ...body,
        platId: "X-1",
        manufacturerCodes: [],
        ...patch,
      });
      expect(res.status).toBe(400);
      expect(String(res.body.RetInfo)).toContain(field);
    };
    await bad({ platId: "bad id!" }, "platId");
    await bad({ manufacturerCodes: ["12345"] }, "manufacturerCodes");
    await bad({ manufacturerCodes: ["000123"], apiBaseUrl: null }, "apiBaseUrl");
    await bad({ adapter: "nope" }, "adapter");
    await bad({ verifyUrl: "ftp://x/y" }, "verifyUrl");
    await bad({ security: { mode: "mtls" } }, "certFingerprints");
    await bad({ surprise: 1 }, "surprise");
  });

  it("PATCH changes fields but not platId; GET of an unknown platform is 404", async () => {
    const res = await admin.patch(`/admin/v1/platforms/${body.platId}`, {
      name: "Haier",
      manufacturerCodes: ["000006", "000016"],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: "Haier",
      manufacturerCodes: ["000006", "000016"],
      verifyUrl: body.verifyUrl,
    });
    const rename = await admin.patch(`/admin/v1/platforms/${body.platId}`, { platId: "OTHER" });
    expect(rename.status).toBe(400);
    expect((await admin.get("/admin/v1/platforms/NOPE")).status).toBe(404);
    expect(hub.hub.registry.vendorFor("0000160102002001X")?.platId).toBe(body.platId);
  });

  it("rotates the secret: the new one signs, the old one still verifies during the grace period", async () => {
    const created = await admin.post("/admin/v1/platforms", {
      platId: "APP-ROT",
      name: "rot",
      verifyUrl: "http://127.0.0.1:9/v",
    });
    const oldSecret = String(created.body.appSecret);
    const rotated = await admin.post("/admin/v1/platforms/APP-ROT/secret", {});
    expect(rotated.status).toBe(200);
    const newSecret = String(rotated.body.appSecret);
    expect(newSecret).not.toBe(oldSecret);
    expect(String(rotated.body.webhookSecret)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.body.webhookSecret).not.toBe(created.body.webhookSecret);
    const validUntil = Date.parse(String(rotated.body.previousSecretValidUntil));
    expect(Math.abs(validUntil - (Date.now() + 24 * 3_600_000))).toBeLessThan(60_000);
    // users/devices for an unknown user is 404 — i.e. authentication passed — with either secret.
    for (const secret of [oldSecret, newSecret]) {
      const res = await platformClient(hub.url, { platId: "APP-ROT", appSecret: secret })("users/devices", {
        UserID: "UX",
      });
      expect(res.status).toBe(404);
    }
    const forged = await platformClient(hub.url, {
      platId: "APP-ROT",
      appSecret: "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    })("users/devices", { UserID: "UX" });
    expect(forged.status).toBe(401);
  });

  it("validates the rotation body: only graceSeconds, a whole number of seconds from 0 to 86400", async () => {
    for (const bad of [{ graceSeconds: -1 }, { graceSeconds: 86_401 }, { graceSeconds: "0" }, { grace: 0 }]) {
      const res = await admin.post("/admin/v1/platforms/APP-ROT/secret", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(String(res.body.RetInfo)).toMatch(/grace/);
    }
    // No body at all: a 24 h grace, as before.
    const res = await fetch(`${hub.url}/admin/v1/platforms/APP-ROT/secret`, {
      method: "POST",
      headers: { authorization: `Bearer ${hub.adminToken}` },
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { previousSecretValidUntil: string };
    expect(Date.parse(answer.previousSecretValidUntil)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it("DELETE removes the platform and frees its manufacturer codes", async () => {
    expect((await admin.delete(`/admin/v1/platforms/${body.platId}`)).status).toBe(204);
    expect((await admin.get(`/admin/v1/platforms/${body.platId}`)).status).toBe(404);
    expect((await admin.delete(`/admin/v1/platforms/${body.platId}`)).status).toBe(404);
    expect(hub.hub.registry.vendorFor("0000060102002001X")).toBeUndefined();
    const reuse = await admin.post("/admin/v1/platforms", { ...body, platId: "NEW-OWNER" });
    expect(reuse.status).toBe(201);
  });
});
