/**
 * Issue 15, reports without headers (docs/design.md §7 ingestUrl): table 50 gives the report no
 * header, so each vendor gets a URL that names it. Real HTTP against a running hub; reports are
 * sent as a cloud built to the letter of the standard sends them: no headers at all.
 */
import { auditLog } from "@yunlian/db";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient, requestSignature } from "./support/client.ts";
import { selfClient } from "./support/self-client.ts";
import {
  addVendor,
  bothStorages,
  devices,
  loginAs,
  startWorldIfAvailable,
  type Vendor,
  type World,
} from "./support/world.ts";

const PUBLIC_URL = "https://hub.example";
const INGEST = /^https:\/\/hub\.example\/v1\/dataservices\/dataGateway\/([A-Za-z0-9_-]{32,})$/;

/** The standard's own example report (7.2.8), quirky keys included. */
const report = (deviceId: string, status: Record<string, string> = { onOffStatus: "True" }) => ({
  TimeStamp: String(Date.now()),
  "DeviceID ": deviceId,
  DataType: "attr",
  " DeviceStatus": status,
});

describe.each(bothStorages)("vendor ingestUrl on $storage", ({ storage }) => {
  let world: World | undefined;
  let plain: Vendor;
  let washer: string;

  beforeAll(async () => {
    world = await startWorldIfAvailable(storage, {
      HUB_PUBLIC_URL: PUBLIC_URL,
      HUB_DELIVERY_BACKOFF: "0s,50ms,50ms",
    });
    if (!world) return;
    // A vendor in the standard's plain mode: the ingestUrl is its whole credential for reports.
    plain = await addVendor(world.hub, world.admin, "VENDOR-PLAIN-0000", "000008", "none");
    washer = plain.deviceIds[0] ?? "";
    const alice = await loginAs(world, "alice", "alice-token-1");
    await world.call("user/bindDevices", { UserID: alice.userId, Device: devices([washer]) });
  }, 90_000);
  afterAll(async () => {
    await plain?.cloud.close();
    await world?.close();
  });

  /** The ingestUrl, pointed at the test hub (HUB_PUBLIC_URL names a host the test cannot reach). */
  const local = (w: World, ingestUrl: unknown) => {
    const path = new URL(String(ingestUrl)).pathname;
    return { url: `${w.hub.url}${path}`, path };
  };
  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    const res = await request(url, { method: "POST", headers, body: text });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };
  const ingestUrlOf = async (w: World, platId: string) =>
    (await w.admin.get(`/admin/v1/platforms/${platId}`)).body.ingestUrl;

  it("is in the vendor's registration answer and in GET (admin and self); an app platform has none", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const reg = await w.admin.post("/admin/v1/platforms", {
      platId: "VENDOR-NEW-0000",
      name: "New vendor",
      manufacturerCodes: ["000009"],
      apiBaseUrl: "http://127.0.0.1:9/v1",
    });
    expect(reg.status).toBe(201);
    expect(String(reg.body.ingestUrl)).toMatch(INGEST);
    expect(await ingestUrlOf(w, "VENDOR-NEW-0000")).toBe(reg.body.ingestUrl);
    const self = await selfClient(w.hub.url, {
      platId: "VENDOR-NEW-0000",
      appSecret: String(reg.body.appSecret),
    })("GET", "");
    expect(self.body.ingestUrl).toBe(reg.body.ingestUrl);
    // Two vendors, two URLs; an app platform reports nothing, so it has none.
    expect(await ingestUrlOf(w, plain.platId)).not.toBe(reg.body.ingestUrl);
    expect(await ingestUrlOf(w, w.appCreds.platId)).toBeNull();
    const list = await w.admin.get("/admin/v1/platforms");
    const listed = (list.body.platforms as { platId: string; ingestUrl: unknown }[]).find(
      (p) => p.platId === "VENDOR-NEW-0000",
    );
    expect(listed?.ingestUrl).toBe(reg.body.ingestUrl);
    expect((await w.admin.delete("/admin/v1/platforms/VENDOR-NEW-0000")).status).toBe(204);
  });

  it("takes a report with no headers at all (mode none) and delivers it to the app, attributed to that vendor", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const { url } = local(w, await ingestUrlOf(w, plain.platId));
    const before = w.app.reports.length;
    const res = await post(url, report(washer, { laundryCycle: "5" }));
    expect(res).toMatchObject({ status: 200, body: { RetCode: "200", Deliveries: 1 } });
    const [delivered] = (await w.app.waitForReports(before + 1)).slice(before);
    expect(delivered?.body).toMatchObject({
      DeviceID: washer,
      DataType: "attr",
      DeviceStatus: { laundryCycle: "5" },
    });
    // The header-based route stays as it is: without PlatID it is 401.
    const headerless = await post(`${w.hub.url}/v1/dataservices/dataGateway`, report(washer));
    expect(headerless.status).toBe(401);
  });

  it("refuses another maker's device (403) and an unknown segment (401), storing nothing", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const { url } = local(w, await ingestUrlOf(w, plain.platId));
    const other = w.vendors[0]?.deviceIds[0] ?? "";
    const foreign = await post(url, report(other));
    expect(foreign.status).toBe(403);
    expect(String(foreign.body.RetInfo)).toContain("000006");
    const view = await w.admin.get(`/admin/v1/devices/${other}`);
    expect(view.body.reports).toEqual([]);
    const guessed = await post(`${w.hub.url}/v1/dataservices/dataGateway/${"A".repeat(43)}`, report(washer));
    expect(guessed.status).toBe(401);
    // A PlatID header that names another platform than the URL does is refused too.
    const mismatch = await post(url, report(washer), { PlatID: w.appCreds.platId });
    expect(mismatch.status).toBe(401);
  });

  it("keeps the segment out of the audit trail", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const segment = "B".repeat(43);
    expect((await post(`${w.hub.url}/v1/dataservices/dataGateway/${segment}`, report(washer))).status).toBe(
      401,
    );
    const rows = await w.hub.hub.database.db.select().from(auditLog);
    const text = JSON.stringify(rows);
    expect(text).toContain("/v1/dataservices/dataGateway/***");
    expect(text).not.toContain(segment);
  });

  it("still needs the signature of an hmac vendor: unsigned 401, signed without PlatID 200", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const hmac = w.vendors[0];
    if (!hmac) throw new Error("vendor");
    const { url, path } = local(w, await ingestUrlOf(w, hmac.platId));
    const body = report(hmac.deviceIds[1] ?? "");
    expect((await post(url, body)).status).toBe(401);
    const signed = await post(
      url,
      body,
      requestSignature(hmac.appSecret, "POST", path, JSON.stringify(body)),
    );
    expect(signed).toMatchObject({ status: 200, body: { RetCode: "200" } });
  });

  it("changes at rotation (operator and self): the answer has the new URL, the previous one works for the grace", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const first = await ingestUrlOf(w, plain.platId);
    const rotated = await w.admin.post(`/admin/v1/platforms/${plain.platId}/secret`, {});
    expect(rotated.status).toBe(200);
    expect(String(rotated.body.ingestUrl)).toMatch(INGEST);
    expect(rotated.body.ingestUrl).not.toBe(first);
    expect(await ingestUrlOf(w, plain.platId)).toBe(rotated.body.ingestUrl);
    expect((await post(local(w, rotated.body.ingestUrl).url, report(washer))).status).toBe(200);
    expect((await post(local(w, first).url, report(washer))).status).toBe(200);

    // The vendor rotates itself (mode none: PlatID + AppID); the grace of the one before ends at once.
    const bySelf = await selfClient(w.hub.url, { platId: plain.platId, appId: plain.appId })(
      "POST",
      "/secret",
      {},
    );
    expect(bySelf.status).toBe(200);
    expect(String(bySelf.body.ingestUrl)).toMatch(INGEST);
    expect(bySelf.body.ingestUrl).not.toBe(rotated.body.ingestUrl);
    const ended = await w.admin.post(`/admin/v1/platforms/${plain.platId}/secret`, { graceSeconds: 0 });
    expect((await post(local(w, bySelf.body.ingestUrl).url, report(washer))).status).toBe(401);
    expect((await post(local(w, ended.body.ingestUrl).url, report(washer))).status).toBe(200);
  });

  it("an app platform's own signed report to someone's ingestUrl is refused (the URL names the vendor)", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    // The app platform signs correctly, but for itself: the URL names the vendor, so the PlatID disagrees.
    const { url, path } = local(w, await ingestUrlOf(w, w.vendors[1]?.platId ?? ""));
    const body = report(w.vendors[1]?.deviceIds[0] ?? "");
    const res = await post(url, body, {
      PlatID: w.appCreds.platId,
      ...requestSignature(w.appCreds.appSecret, "POST", path, JSON.stringify(body)),
    });
    expect(res.status).toBe(401);
    // And the header-based route with the vendor's own credentials still works as before.
    const b = w.vendors[1];
    if (!b) throw new Error("vendor");
    const asB = platformClient(w.hub.url, { platId: b.platId, appSecret: b.appSecret });
    expect((await asB("dataservices/dataGateway", body)).status).toBe(200);
  });
});
