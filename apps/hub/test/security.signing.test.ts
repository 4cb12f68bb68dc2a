/**
 * Issue 14 parts 1 and 2 (docs/design.md §3.7, §7): two secrets for two directions, the method
 * and path signed, and a rotation that locks a thief out. Real HTTP against a running hub, the
 * app platform sim as the platform P whose traffic an attacker has seen.
 */
import { platforms } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformClient, requestSignature } from "./support/client.ts";
import { selfClient } from "./support/self-client.ts";
import {
  addAppPlatform,
  bothStorages,
  devices,
  loginAs,
  startWorldIfAvailable,
  type World,
} from "./support/world.ts";

type Headers = Record<string, string>;

async function send(url: string, method: string, headers: Headers, body?: string) {
  const res = await request(url, { method, headers, body: body === "" ? undefined : body });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** The three Standard Webhooks headers of a request the hub sent (lower-case names). */
function signatureOf(headers: Headers): Headers {
  return {
    "webhook-id": headers["webhook-id"] ?? "",
    "webhook-timestamp": headers["webhook-timestamp"] ?? "",
    "webhook-signature": headers["webhook-signature"] ?? "",
  };
}

const verifies = (secret: string, body: string, headers: Headers) => {
  try {
    new Webhook(secret).verify(body, signatureOf(headers), { jsonParse: false });
    return true;
  } catch {
    return false;
  }
};

describe.each(bothStorages)("two secrets, two directions, rotation on $storage", ({ storage }) => {
  let world: World | undefined;
  let washer: string;
  let userId: string;

  beforeAll(async () => {
    // Quick retries: the same webhook-id on every attempt is checked on a failing receiver.
    world = await startWorldIfAvailable(storage, { HUB_DELIVERY_BACKOFF: "0s,50ms,50ms" });
    if (!world) return;
    washer = world.vendors[0]?.deviceIds[0] ?? "";
    userId = (await loginAs(world, "alice", "alice-token-1")).userId;
    await world.call("user/bindDevices", { UserID: userId, Device: devices([washer]) });
  }, 90_000);
  afterAll(async () => world?.close());

  const storedSecrets = async (w: World, platId: string) => {
    const [row] = await w.hub.hub.database.db
      .select({
        app: platforms.secretCiphertext,
        previousApp: platforms.previousSecretCiphertext,
        webhook: platforms.webhookSecretCiphertext,
        previousWebhook: platforms.previousWebhookSecretCiphertext,
        verifyUrl: platforms.verifyUrl,
      })
      .from(platforms)
      .where(eq(platforms.platId, platId));
    return row;
  };

  it("signs verify calls and deliveries with the webhookSecret (payload = body), never with the appSecret", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    await loginAs(w, "bob", "bob-token-1");
    const call = w.app.verifyCalls.at(-1);
    expect(call?.retCode).toBe("200");
    expect(call?.signatureValid).toBe(true);
    expect(verifies(w.appCreds.webhookSecret, call?.text ?? "", call?.headers ?? {})).toBe(true);
    expect(verifies(w.appCreds.appSecret, call?.text ?? "", call?.headers ?? {})).toBe(false);

    const before = w.app.reports.length;
    expect((await w.vendors[0]?.cloud.setDeviceAttrs(washer, { onOffStatus: "True" }))?.status).toBe(200);
    const [report] = (await w.app.waitForReports(before + 1)).slice(before);
    expect(report?.signatureValid).toBe(true);
    expect(report?.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(verifies(w.appCreds.appSecret, report?.text ?? "", report?.headers ?? {})).toBe(false);
  });

  it("the issue's attack: a captured verify call replayed to POST /admin/v1/self/secret is 401, P's secrets unchanged", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const before = await storedSecrets(w, w.appCreds.platId);
    await loginAs(w, "alice", "alice-token-1");
    const captured = w.app.verifyCalls.at(-1);
    if (!captured) throw new Error("no verify call captured");
    const replay = {
      "content-type": "application/json",
      PlatID: w.appCreds.platId,
      ...signatureOf(captured.headers),
    };
    const takeover = await send(`${w.hub.url}/admin/v1/self/secret`, "POST", replay, captured.text);
    expect(takeover.status).toBe(401);
    expect(takeover.body.appSecret).toBeUndefined();
    // Nor anywhere else a platform signs: PATCH of its URLs, the standard API.
    const patch = await send(`${w.hub.url}/admin/v1/self`, "PATCH", replay, captured.text);
    expect(patch.status).toBe(401);
    const standard = await send(`${w.hub.url}/v1/user/login`, "POST", replay, captured.text);
    expect(standard.status).toBe(401);

    expect(await storedSecrets(w, w.appCreds.platId)).toEqual(before);
    // P's real credentials still work.
    expect((await selfClient(w.hub.url, w.appCreds)("GET", "")).status).toBe(200);
    expect((await w.call("users/devices", { UserID: userId })).body.RetCode).toBe("200");
  });

  it("a signature for an empty-body GET /admin/v1/self is refused for POST /admin/v1/self/secret", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const before = await storedSecrets(w, w.appCreds.platId);
    const url = `${w.hub.url}/admin/v1/self`;
    const headers = { PlatID: w.appCreds.platId };
    // Made by P for GET /admin/v1/self, seen by the attacker before it reached the hub.
    const forGet = requestSignature(w.appCreds.appSecret, "GET", "/admin/v1/self", "");
    expect((await send(`${url}/secret`, "POST", { ...headers, ...forGet }, "")).status).toBe(401);
    // The same headers still do what they were made for (the refusal above was not the replay guard).
    expect((await send(url, "GET", { ...headers, ...forGet })).status).toBe(200);
    // A signature over the body alone (what an empty-body request used to carry) is worth nothing.
    const id = `msg_bodyonly${Date.now()}`;
    const at = new Date();
    const bodyOnly = {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(w.appCreds.appSecret).sign(id, at, ""),
    };
    expect((await send(`${url}/secret`, "POST", { ...headers, ...bodyOnly }, "")).status).toBe(401);
    expect(await storedSecrets(w, w.appCreds.platId)).toEqual(before);
  });

  it("on /v1 too, a signature is good for its own method and path only", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const body = JSON.stringify({ UserID: userId });
    const signed = {
      "content-type": "application/json",
      PlatID: w.appCreds.platId,
      ...requestSignature(w.appCreds.appSecret, "POST", "/v1/users/devices", body),
    };
    const elsewhere = await send(`${w.hub.url}/v1/user/unregister`, "POST", signed, body);
    expect(elsewhere.status).toBe(401);
    expect(String(elsewhere.body.RetInfo)).toMatch(/signature/);
    const withQuery = await send(`${w.hub.url}/v1/users/devices?x=1`, "POST", signed, body);
    expect(withQuery.status).toBe(401);
    expect((await send(`${w.hub.url}/v1/users/devices`, "POST", signed, body)).body.RetCode).toBe("200");
  });

  it("a stolen appSecret in its grace period can no longer read, PATCH or rotate through self-service", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const victim = await addAppPlatform(w, "APP-VICTIM-0001", [{ loginId: "v", authToken: "v-token" }]);
    try {
      const stolen = victim.creds;
      // The operator rotates (default grace: 24 h) …
      const rotated = await w.admin.post(`/admin/v1/platforms/${stolen.platId}/secret`, {});
      expect(rotated.status).toBe(200);
      const fresh = { ...stolen, appSecret: String(rotated.body.appSecret) };
      const before = await storedSecrets(w, stolen.platId);
      // … and the thief, holding the previous appSecret, tries self-service.
      const thief = selfClient(w.hub.url, stolen);
      expect((await thief("GET", "")).status).toBe(401);
      expect((await thief("PATCH", "", { verifyUrl: "http://127.0.0.1:9/evil" })).status).toBe(401);
      expect((await thief("POST", "/secret", {})).status).toBe(401);
      expect(await storedSecrets(w, stolen.platId)).toEqual(before);
      // The standard API still takes it during the grace (the platform may not have switched yet).
      const standard = await platformClient(w.hub.url, stolen)("users/devices", { UserID: "U-NOBODY" });
      expect(standard.status).toBe(404);

      // The same after the platform rotated itself: the secret it replaced is out of self-service.
      const self = await selfClient(w.hub.url, fresh)("POST", "/secret", {});
      expect(self.status).toBe(200);
      expect((await selfClient(w.hub.url, fresh)("POST", "/secret", {})).status).toBe(401);
      const current = selfClient(w.hub.url, { ...fresh, appSecret: String(self.body.appSecret) });
      expect((await current("GET", "")).status).toBe(200);
    } finally {
      await victim.app.close();
    }
  });

  it("during a rotation grace webhooks carry both signatures, and every attempt the same webhook-id", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const rotated = await w.admin.post(`/admin/v1/platforms/${w.appCreds.platId}/secret`, {});
    expect(rotated.status).toBe(200);
    const fresh = String(rotated.body.webhookSecret);
    w.app.setReceiverMode("fail500");
    try {
      const before = w.app.reports.length;
      await w.vendors[0]?.cloud.setDeviceAttrs(washer, { laundryCycle: "3" });
      const attempts = (await w.app.waitForReports(before + 3)).slice(before, before + 3);
      expect(new Set(attempts.map((r) => r.webhookId)).size).toBe(1);
      for (const r of attempts) {
        expect(r.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
        // The platform's previous webhookSecret (what the sim holds) and the new one both verify.
        expect(r.signatureValid).toBe(true);
        expect(verifies(fresh, r.text, r.headers)).toBe(true);
      }
    } finally {
      w.app.setReceiverMode("ok");
    }
    // Verify calls too.
    await loginAs(w, "bob", "bob-token-1");
    const call = w.app.verifyCalls.at(-1);
    expect(call?.signatureValid).toBe(true);
    expect(verifies(fresh, call?.text ?? "", call?.headers ?? {})).toBe(true);
  });

  it("graceSeconds 0 ends the previous secrets at once: the old appSecret on /v1, the old webhookSecret", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const leaked = await addAppPlatform(w, "APP-LEAKED-0001", [{ loginId: "l", authToken: "l-token" }]);
    try {
      const rotated = await w.admin.post(`/admin/v1/platforms/${leaked.creds.platId}/secret`, {
        graceSeconds: 0,
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.previousSecretValidUntil).toBeNull();
      const old = await leaked.call("users/devices", { UserID: "U-NOBODY" });
      expect(old.status).toBe(401);
      const fresh = platformClient(w.hub.url, { ...leaked.creds, appSecret: String(rotated.body.appSecret) });
      expect((await fresh("users/devices", { UserID: "U-NOBODY" })).status).toBe(404);
      // The sim still holds the old webhookSecret: the hub's verify call no longer verifies with it.
      const login = await fresh("user/login", {
        User: [{ UserBase: { loginID: "l" } }],
        AuthToken: "l-token",
      });
      expect(login.body.RetCode).toBe("401");
      const call = leaked.app.verifyCalls.at(-1);
      expect(call?.signatureValid).toBe(false);
      expect(call?.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
      expect(verifies(String(rotated.body.webhookSecret), call?.text ?? "", call?.headers ?? {})).toBe(true);
    } finally {
      await leaked.app.close();
    }
  });
});
