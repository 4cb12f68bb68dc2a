import { deliveries, platforms, statusReports } from "@yunlian/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, platformClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";
import { selfClient } from "./support/self-client.ts";

describe("platform self-service: its own registration, secret and deliveries, nothing of anyone else's", () => {
  let hub: TestHub;
  let admin: ReturnType<typeof adminClient>;
  let mine: { platId: string; appId: string; appSecret: string };
  let theirs: { platId: string; appId: string; appSecret: string };
  let plain: { platId: string; appId: string; appSecret: string };
  let self: ReturnType<typeof selfClient>;

  beforeAll(async () => {
    hub = await startTestHub("pglite");
    admin = adminClient(hub.url, hub.adminToken);
    const register = async (platId: string, extra: Record<string, unknown> = {}) => {
      const res = await admin.post("/admin/v1/platforms", {
        platId,
        name: platId,
        verifyUrl: "http://127.0.0.1:9/verify",
        dataGatewayUrl: "http://127.0.0.1:9/gw",
        ...extra,
      });
      expect(res.status).toBe(201);
      return { platId, appId: String(res.body.appId), appSecret: String(res.body.appSecret) };
    };
    mine = await register("SELF-MINE", {
      manufacturerCodes: ["000016"],
      apiBaseUrl: "http://127.0.0.1:9/v1",
    });
    theirs = await register("SELF-THEIRS");
    plain = await register("SELF-PLAIN", { security: { mode: "none" } });
    self = selfClient(hub.url, mine);
    // One stored report delivered to two platforms: each sees only its own delivery row.
    const db = hub.hub.database.db;
    const [report] = await db
      .insert(statusReports)
      .values({
        udeviceId: "0000160102002001ABC",
        vendorPlatId: mine.platId,
        dataType: "attr",
        deviceStatus: {},
      })
      .returning({ id: statusReports.id });
    const row = (platId: string) => ({
      id: `dlv_${platId}`,
      reportId: report?.id ?? 0,
      platId,
      udeviceId: "0000160102002001ABC",
      status: "pending" as const,
      nextAttemptAt: new Date(Date.now() + 3_600_000),
    });
    await db.insert(deliveries).values([row(mine.platId), row(theirs.platId)]);
  }, 60_000);
  afterAll(async () => hub?.close());

  it("reads its own platform, never a secret", async () => {
    const res = await self("GET", "");
    expect(res.status).toBe(200);
    expect(res.body.platId).toBe(mine.platId);
    expect(res.body.appSecret).toBeUndefined();
  });

  it("changes its own URLs and certificate fingerprints, audited as itself", async () => {
    const res = await self("PATCH", "", {
      dataGatewayUrl: "http://127.0.0.1:9/new-gw",
      security: { certFingerprints: ["ab".repeat(32)] },
    });
    expect(res.status).toBe(200);
    expect(res.body.dataGatewayUrl).toBe("http://127.0.0.1:9/new-gw");
    expect(res.body.security).toEqual({ mode: "hmac", certFingerprints: ["ab".repeat(32)] });
    const log = await admin.get(`/admin/v1/audit?actor=platform:${mine.platId}&action=self.update`);
    expect((log.body.entries as { target: string }[])[0]?.target).toBe(mine.platId);
  });

  it("may not change manufacturer codes, adapter, security mode or platId", async () => {
    for (const body of [
      { manufacturerCodes: ["000006"] },
      { adapter: "tuya" },
      { platId: theirs.platId },
      { security: { mode: "none" } },
      { adapterConfig: {} },
    ]) {
      const res = await self("PATCH", "", body);
      expect(res.status).toBe(400);
      expect(String(res.body.RetInfo)).toMatch(/only the operator/);
    }
    expect(hub.hub.registry.get(mine.platId)?.manufacturerCodes).toEqual(["000016"]);
  });

  it("cannot reach another platform: its own credentials name only itself", async () => {
    // Signed with my secret but claiming their PlatID: the signature does not verify.
    const asThem = await self("GET", "", undefined, { PlatID: theirs.platId });
    expect(asThem.status).toBe(401);
    const patchThem = await self(
      "PATCH",
      "",
      { dataGatewayUrl: "http://127.0.0.1:9/evil" },
      { PlatID: theirs.platId },
    );
    expect(patchThem.status).toBe(401);
    expect(hub.hub.registry.get(theirs.platId)?.dataGatewayUrl).toBe("http://127.0.0.1:9/gw");
    // The operator routes stay operator-only.
    const operatorRoute = await self("GET", "/../platforms");
    expect([401, 404]).toContain(operatorRoute.status);
    const list = await selfClient(hub.url, mine)("GET", "/deliveries", undefined, {
      authorization: "Bearer nope",
    });
    expect(list.status).toBe(401);
  });

  it("lists only its own deliveries, whatever the query says", async () => {
    const res = await self("GET", "/deliveries");
    expect(res.status).toBe(200);
    const ids = (res.body.deliveries as { id: string; platId: string }[]).map((d) => d.platId);
    expect(ids).toEqual([mine.platId]);
    const sneaky = await self("GET", `/deliveries?platId=${theirs.platId}`);
    expect(sneaky.status).toBe(400);
  });

  it("rotates its own secrets with {}: the new appSecret works at once; the old one only on /v1 during the grace", async () => {
    const res = await self("POST", "/secret", {});
    expect(res.status).toBe(200);
    const fresh = String(res.body.appSecret);
    expect(fresh).toMatch(/^whsec_/);
    expect(String(res.body.webhookSecret)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.body.webhookSecret).not.toBe(fresh);
    expect((await selfClient(hub.url, { ...mine, appSecret: fresh })("GET", "")).status).toBe(200);
    // The previous appSecret: still good for the standard API for 24 h …
    const standard = await platformClient(hub.url, mine)("users/devices", { UserID: "U-NOBODY" });
    expect(standard.status).toBe(404);
    // … never again for self-service (docs/design.md §7).
    const stale = await self("GET", "");
    expect(stale.status).toBe(401);
    mine = { ...mine, appSecret: fresh };
    self = selfClient(hub.url, mine);
  });

  it("a rotation body other than {} is refused on self-service: the grace is the operator's", async () => {
    for (const body of [{ graceSeconds: 0 }, { appSecret: "whsec_mine" }, []]) {
      const res = await self("POST", "/secret", body);
      expect(res.status).toBe(400);
    }
  });

  it("mode none: PlatID and AppID authenticate self-service (docs/design.md §7); PlatID alone does not", async () => {
    const unsigned = await adminClient(hub.url, "").get("/admin/v1/self");
    expect(unsigned.status).toBe(401);
    const platIdOnly = await fetch(`${hub.url}/admin/v1/self`, { headers: { PlatID: plain.platId } });
    expect(platIdOnly.status).toBe(401);
    const wrongAppId = await fetch(`${hub.url}/admin/v1/self`, {
      headers: { PlatID: plain.platId, AppID: mine.appId },
    });
    expect(wrongAppId.status).toBe(401);
    const res = await fetch(`${hub.url}/admin/v1/self`, {
      headers: { PlatID: plain.platId, AppID: plain.appId },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { platId: string }).platId).toBe(plain.platId);
  });

  it("the operator token can act on any platform's self-service (naming it in PlatID)", async () => {
    const res = await fetch(`${hub.url}/admin/v1/self`, {
      headers: { authorization: `Bearer ${hub.adminToken}`, PlatID: theirs.platId },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { platId: string }).platId).toBe(theirs.platId);
  });

  // Issue 14, part 6: a platform added another's certificate fingerprint through self-service, so
  // that platform's calls without a PlatID header became ambiguous (and were refused).
  it("a certificate fingerprint belongs to at most one platform: 409 at register, PATCH and self-service PATCH", async () => {
    const hex = "5e".repeat(32);
    const colons = hex.toUpperCase().match(/../g)?.join(":") ?? "";
    const owner = await admin.post("/admin/v1/platforms", {
      platId: "SELF-CERT-OWNER",
      name: "cert owner",
      verifyUrl: "http://127.0.0.1:9/verify",
      security: { mode: "mtls", certFingerprints: [hex] },
    });
    expect(owner.status).toBe(201);
    const refused = {
      RetCode: "409",
      RetInfo: `security.certFingerprints: ${colons} is already registered to another platform`,
    };
    // The same fingerprint spelt with colons and upper case is the same certificate.
    const selfPatch = await self("PATCH", "", { security: { certFingerprints: [colons] } });
    expect(selfPatch.status).toBe(409);
    expect(selfPatch.body).toEqual(refused);
    const operatorPatch = await admin.patch(`/admin/v1/platforms/${theirs.platId}`, {
      security: { certFingerprints: [colons] },
    });
    expect(operatorPatch.status).toBe(409);
    const register = await admin.post("/admin/v1/platforms", {
      platId: "SELF-CERT-COPY",
      name: "copy",
      verifyUrl: "http://127.0.0.1:9/verify",
      security: { mode: "mtls", certFingerprints: [colons] },
    });
    expect(register.status).toBe(409);
    expect(register.body).toEqual(refused);
    // Nothing changed: the owner still alone holds it, the others hold none.
    const mineNow = await admin.get(`/admin/v1/platforms/${mine.platId}`);
    expect(JSON.stringify(mineNow.body).toLowerCase()).not.toContain("5e5e");
    expect((await admin.get("/admin/v1/platforms/SELF-CERT-COPY")).status).toBe(404);
    // Its owner may still send it again (PATCH with the list it has), and a list with the same
    // fingerprint twice is a 400.
    const ownerAgain = await admin.patch("/admin/v1/platforms/SELF-CERT-OWNER", {
      security: { certFingerprints: [colons] },
    });
    expect(ownerAgain.status).toBe(200);
    const twice = await self("PATCH", "", {
      security: { certFingerprints: ["cd".repeat(32), "CD".repeat(32)] },
    });
    expect(twice.status).toBe(400);
  });

  it("a fingerprint stored by another hub instance, not yet in this one's registry, is still a 409", async () => {
    // Written straight to the database, as another instance would before its NOTIFY arrives:
    // only the check inside the storing transaction (under its advisory lock) can see it.
    const fp = "7a".repeat(32);
    await hub.hub.database.db.insert(platforms).values({
      platId: "SELF-ELSEWHERE",
      name: "registered on another instance",
      appId: "YL-ELSEWHERE",
      secretCiphertext: "x",
      secretKeyId: "k",
      securityMode: "mtls",
      certFingerprints: [fp.toUpperCase().match(/../g)?.join(":") ?? ""],
    });
    const res = await admin.post("/admin/v1/platforms", {
      platId: "SELF-RACE",
      name: "race",
      verifyUrl: "http://127.0.0.1:9/verify",
      security: { mode: "mtls", certFingerprints: [fp] },
    });
    expect(res.status).toBe(409);
    expect((await self("PATCH", "", { security: { certFingerprints: [fp] } })).status).toBe(409);
  });
});
