/**
 * Issue 16, capabilities: GET /v1/models/{deviceType} with standard-API authentication lets every
 * platform read the device models of a type (each vendor's published one and the hub's built-in
 * one), so one app UI can render any brand's washer.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestSignature } from "./support/client.ts";
import { startWorld, type World } from "./support/world.ts";

type Model = { deviceType: string; ownerPlatId: string | null; nameEn: string; version: number };

describe("GET /v1/models/{deviceType}", () => {
  let w: World;
  const get = async (path: string, signed = true) => {
    const headers: Record<string, string> = { PlatID: w.appCreds.platId, AppID: w.appCreds.appId };
    if (signed) Object.assign(headers, requestSignature(w.appCreds.appSecret, "GET", path, ""));
    const res = await request(`${w.hub.url}${path}`, { method: "GET", headers });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    w = await startWorld("pglite");
    const vendor = w.vendors[0];
    const published = await w.admin.post("/admin/v1/models", {
      ownerPlatId: vendor?.platId,
      deviceType: "02002",
      nameZh: "滚筒洗衣机",
      nameEn: "the vendor's washer",
      attributes: [{ name: "onOffStatus", type: "bool", writable: true, zh: "开关", en: "power" }],
    });
    expect(published.status).toBe(201);
  }, 60_000);
  afterAll(async () => w?.close());

  it("an app platform (not the vendor) reads the vendor's published model and the hub's built-in one", async () => {
    const res = await get("/v1/models/02002");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ RetCode: "200", DeviceType: "02002" });
    const models = res.body.Models as Model[];
    expect(models.map((m) => m.ownerPlatId)).toEqual([w.vendors[0]?.platId, null]);
    expect(models[0]).toMatchObject({ nameEn: "the vendor's washer", version: 1 });
    expect(models[1]?.version).toBe(0);
  });

  it("a BBCCC+D type gets the models of the BBCCC it extends", async () => {
    const res = await get("/v1/models/020021");
    expect(res.status).toBe(200);
    expect((res.body.Models as Model[]).map((m) => m.deviceType)).toEqual(["02002", "02002"]);
  });

  it("an unknown type is 404, a malformed one 400", async () => {
    expect((await get("/v1/models/06001")).status).toBe(404);
    expect((await get("/v1/models/washer")).status).toBe(400);
  });

  it("an unauthenticated request is 401 and shows no model", async () => {
    const res = await get("/v1/models/02002", false);
    expect(res.status).toBe(401);
    expect(res.body).not.toHaveProperty("Models");
  });

  it("only GET: a POST is 405", async () => {
    const res = await w.call("models/02002", {});
    expect(res.status).toBe(405);
  });
});
