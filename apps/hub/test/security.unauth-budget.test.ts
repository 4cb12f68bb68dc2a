import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { Redis } from "ioredis";
import { pino } from "pino";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisRateLimiter } from "../src/security/redis-rate-limit.ts";
import { UnauthBudget } from "../src/security/unauth-budget.ts";
import { adminClient, platformClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

/**
 * Issue 14, part 3: rate limits were charged only after authentication, so failed attempts
 * (bad signatures, unknown PlatIDs, wrong bearer tokens, hostile headers) cost the hub CPU
 * without limit. HUB_UNAUTH_RATE_LIMIT charges each failure to the client address; an empty
 * bucket closes the door to that address (429 before anything else is done).
 */
describe("the unauthenticated budget (HUB_UNAUTH_RATE_LIMIT)", () => {
  let hub: TestHub;
  let creds: { platId: string; appId: string; appSecret: string };
  // Loopback has a whole /8: a second client address on this machine, with a bucket of its own.
  const otherAddress = new Agent({ localAddress: "127.0.0.2" });

  beforeAll(async () => {
    // Five failures, then one more empties the bucket; a token comes back after a minute.
    hub = await startTestHub("pglite", { HUB_UNAUTH_RATE_LIMIT: "1/m,burst=5" });
    const res = await adminClient(hub.url, hub.adminToken).post("/admin/v1/platforms", {
      platId: "UNAUTH-APP",
      name: "unauth",
      verifyUrl: "http://127.0.0.1:9/v",
    });
    creds = { platId: "UNAUTH-APP", appId: String(res.body.appId), appSecret: String(res.body.appSecret) };
  }, 60_000);
  afterAll(async () => {
    await otherAddress.close();
    await hub?.close();
  });

  const forged = () =>
    request(`${hub.url}/v1/users/devices`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        PlatID: "UNAUTH-APP",
        "webhook-id": `msg_${Math.random()}`,
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": "v1,Zm9yZ2VkIHNpZ25hdHVyZSBmb3JnZWQgc2lnbmF0dXJlIQ==",
      },
      body: '{"UserID":"U1"}',
    });

  it("answers failures 401 until the address's bucket is empty, then 429 at the door for everything but /health", async () => {
    const statuses: number[] = [];
    // Failed authentications of three kinds: a forged signature, a wrong operator token, a hostile header.
    for (let i = 0; i < 2; i++) statuses.push((await forged()).statusCode);
    const wrongAdmin = await adminClient(hub.url, "x".repeat(40)).get("/admin/v1/platforms");
    statuses.push(wrongAdmin.status);
    const hostile = await request(`${hub.url}/health`, { headers: { AccessToken: "t".repeat(5000) } });
    statuses.push(hostile.statusCode);
    await hostile.body.dump();
    for (let i = 0; i < 2; i++) statuses.push((await forged()).statusCode);
    const door = await forged();
    statuses.push(door.statusCode);
    expect(statuses).toEqual([401, 401, 401, 400, 401, 401, 429]);
    expect(await door.body.json()).toEqual({
      RetCode: "429",
      RetInfo: expect.stringMatching(
        /^too many failed authentications from this address: retry after \d+ s$/,
      ),
    });
    expect(Number(door.headers["retry-after"])).toBeGreaterThan(1);

    // Everything from that address waits, even a valid request (it cannot be told apart unread)…
    expect((await platformClient(hub.url, creds)("users/devices", { UserID: "U1" })).status).toBe(429);
    // …except the health check a load balancer behind the same address relies on.
    expect((await request(`${hub.url}/health`)).statusCode).toBe(200);

    // Another address keeps its own budget: its failure is judged (401), not refused at the door.
    const elsewhere = await request(`${hub.url}/v1/users/devices`, {
      method: "POST",
      dispatcher: otherAddress,
      headers: { "content-type": "application/json", PlatID: "UNAUTH-APP" },
      body: '{"UserID":"U1"}',
    });
    expect(elsewhere.statusCode).toBe(401);
    await elsewhere.body.dump();
  });

  it("valid requests never spend it", async () => {
    const fresh = await startTestHub("pglite", { HUB_UNAUTH_RATE_LIMIT: "1/m,burst=1" });
    try {
      const res = await adminClient(fresh.url, fresh.adminToken).post("/admin/v1/platforms", {
        platId: "UNAUTH-OK",
        name: "ok",
        verifyUrl: "http://127.0.0.1:9/v",
      });
      const call = platformClient(fresh.url, {
        platId: "UNAUTH-OK",
        appId: String(res.body.appId),
        appSecret: String(res.body.appSecret),
      });
      for (let i = 0; i < 20; i++) expect((await call("users/devices", { UserID: "U1" })).status).toBe(404);
    } finally {
      await fresh.close();
    }
  });
});

describe("the unauthenticated budget in Redis", () => {
  it("failures seen by two hub instances fill one bucket per address", async (ctx) => {
    if (!(await redisAvailable())) {
      if (process.env.TEST_REQUIRE_SERVICES || process.env.CI)
        throw new Error(`Redis at ${TEST_REDIS_URL} is required`);
      return ctx.skip();
    }
    const log = pino({ level: "silent" });
    const [a, b] = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)];
    try {
      const prefix = `${uniquePrefix("unauth")}:`;
      const limit = { perSecond: 1 / 60, burst: 4 };
      const one = new UnauthBudget(new RedisRateLimiter(a, limit, log, prefix));
      const two = new UnauthBudget(new RedisRateLimiter(b, limit, log, prefix));
      const client = { socket: { remoteAddress: "198.51.100.20" }, headers: {} };
      for (let i = 0; i < 2; i++) {
        await one.charge(client);
        await two.charge(client);
      }
      expect([one.refusal(client), two.refusal(client)]).toEqual([0, 0]);
      await two.charge(client); // the fifth failure, on either instance, finds the bucket empty
      expect(two.refusal(client)).toBeGreaterThan(0);
      await one.charge(client);
      expect(one.refusal(client)).toBeGreaterThan(0);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
