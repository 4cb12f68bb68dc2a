/**
 * Issue 15, docs/design.md §3.3: a platform registered with `"httpStatus": "always200"` (a client
 * built to the letter of the standard, which reads any HTTP status but 200 as a transport
 * failure) gets HTTP 200 on every /v1 answer, the RetCode/RetInfo body unchanged; every other
 * platform keeps the mirrored status. Settable at registration, by PATCH (operator and
 * self-service), shown by GET.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, platformClient } from "./support/client.ts";
import { postgresOrSkip, type Storage, startTestHub, type TestHub } from "./support/harness.ts";
import { selfClient } from "./support/self-client.ts";
import { bothStorages } from "./support/world.ts";

interface Creds {
  platId: string;
  appId: string;
  appSecret: string;
}

async function startIfAvailable(storage: Storage): Promise<TestHub | undefined> {
  if (storage === "postgres" && !(await postgresOrSkip())) return undefined;
  return startTestHub(storage, { HUB_MAX_BODY_BYTES: "4096" });
}

describe.each(bothStorages)("httpStatus always200 on $storage", ({ storage }) => {
  let hub: TestHub | undefined;
  let admin: ReturnType<typeof adminClient>;
  let strict: Creds;
  let lenient: Creds;

  const register = async (platId: string, extra: Record<string, unknown>) => {
    const res = await admin.post("/admin/v1/platforms", { platId, name: platId, ...extra });
    expect(res.status).toBe(201);
    return { res, creds: { platId, appId: String(res.body.appId), appSecret: String(res.body.appSecret) } };
  };
  /** Any /v1 call that fails on its content: a UserID the platform never logged in (RetCode 404). */
  const unknownUser = (creds: Creds) =>
    platformClient(hub?.url ?? "", creds)("users/devices", { UserID: "U0" });

  beforeAll(async () => {
    hub = await startIfAvailable(storage);
    if (!hub) return;
    admin = adminClient(hub.url, hub.adminToken);
    const made = await register("STRICT-APP-0001", { httpStatus: "always200" });
    expect(made.res.body.httpStatus).toBe("always200");
    strict = made.creds;
    const plain = await register("LENIENT-APP-0001", {});
    expect(plain.res.body.httpStatus).toBe("mirror");
    lenient = plain.creds;
  }, 60_000);
  afterAll(async () => hub?.close());

  it("GET shows the setting; mirror is the default", async (ctx) => {
    if (!hub) return ctx.skip();
    expect((await admin.get("/admin/v1/platforms/STRICT-APP-0001")).body.httpStatus).toBe("always200");
    expect((await admin.get("/admin/v1/platforms/LENIENT-APP-0001")).body.httpStatus).toBe("mirror");
    const bad = await admin.post("/admin/v1/platforms", { platId: "X-1", name: "x", httpStatus: "200" });
    expect(bad.status).toBe(400);
    expect(String(bad.body.RetInfo)).toContain("httpStatus");
  });

  it("answers HTTP 200 with the RetCode in the body; the other platform still gets the mirror", async (ctx) => {
    if (!hub) return ctx.skip();
    const a = await unknownUser(strict);
    expect(a.status).toBe(200);
    expect(a.body.RetCode).toBe("404");
    expect(String(a.body.RetInfo)).toContain("U0");
    const b = await unknownUser(lenient);
    expect(b.status).toBe(404);
    expect(b.body.RetCode).toBe("404");
  });

  it("before authentication: a PlatID naming an always200 platform gets 200, an unknown one the mirror", async (ctx) => {
    if (!hub) return ctx.skip();
    const forged = await platformClient(hub.url, { ...strict, appSecret: lenient.appSecret })(
      "users/devices",
      {
        UserID: "U0",
      },
    );
    expect(forged.status).toBe(200);
    expect(forged.body.RetCode).toBe("401");
    const stranger = await platformClient(hub.url, { platId: "NOBODY", appSecret: lenient.appSecret })(
      "users/devices",
      { UserID: "U0" },
    );
    expect(stranger.status).toBe(401);
    const noInterface = await platformClient(hub.url, strict)("no/such", {});
    expect(noInterface).toMatchObject({ status: 200, body: { RetCode: "404" } });
    // The listener's refusals come before any header is read: they mirror, whoever is named.
    const big = await request(`${hub.url}/v1/users/devices`, {
      method: "POST",
      headers: { PlatID: strict.platId, "content-type": "application/json" },
      body: JSON.stringify({ UserID: "x".repeat(8000) }),
    });
    await big.body.text();
    expect(big.statusCode).toBe(413);
  });

  it("is changed by the operator's PATCH and by the platform's own", async (ctx) => {
    if (!hub) return ctx.skip();
    const patched = await admin.patch("/admin/v1/platforms/STRICT-APP-0001", { httpStatus: "mirror" });
    expect(patched.body.httpStatus).toBe("mirror");
    expect((await unknownUser(strict)).status).toBe(404);
    const self = await selfClient(hub.url, lenient)("PATCH", "", { httpStatus: "always200" });
    expect(self.status).toBe(200);
    expect(self.body.httpStatus).toBe("always200");
    const after = await unknownUser(lenient);
    expect(after).toMatchObject({ status: 200, body: { RetCode: "404" } });
  });
});
