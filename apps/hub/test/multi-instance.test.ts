import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { postgresOrSkip, startTestHub, type TestHub } from "./support/harness.ts";
import { type HubProcess, startHubProcess } from "./support/hub-process.ts";

/** Two hub processes on one PostgreSQL: a change made through one is routed by the other within a second. */
describe("two hub processes on one PostgreSQL", () => {
  let first: TestHub | undefined;
  let second: HubProcess | undefined;

  beforeAll(async () => {
    if (!(await postgresOrSkip())) return;
    first = await startTestHub("postgres");
    second = await startHubProcess({
      DATABASE_URL: first.databaseUrl ?? "",
      HUB_ADMIN_TOKEN: first.adminToken,
      HUB_SECRET_KEY: "11".repeat(32),
      HUB_ALLOW_PRIVATE_URLS: "1",
    });
  }, 60_000);
  afterAll(async () => {
    await second?.stop();
    await first?.close();
  });

  /** Polls the other process's admin API, which answers from its in-memory registry. */
  async function seenWithin(ms: number, check: () => Promise<boolean>): Promise<number> {
    const start = Date.now();
    while (!(await check())) {
      if (Date.now() - start > ms) throw new Error(`not seen within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Date.now() - start;
  }

  it("registers through one and the other serves it; edits and deletes follow", async (ctx) => {
    if (!first || !second) return ctx.skip();
    const viaFirst = adminClient(first.url, first.adminToken);
    const viaSecond = adminClient(second.url, first.adminToken);
    const codesOnSecond = async () =>
      (await viaSecond.get("/admin/v1/platforms/VENDOR-X")).body.manufacturerCodes;

    const res = await viaFirst.post("/admin/v1/platforms", {
      platId: "VENDOR-X",
      name: "X",
      manufacturerCodes: ["000042"],
      apiBaseUrl: "http://127.0.0.1:9/v1",
    });
    expect(res.status).toBe(201);
    const registered = await seenWithin(
      1000,
      async () => JSON.stringify(await codesOnSecond()) === '["000042"]',
    );
    expect(registered).toBeLessThan(1000);

    await viaFirst.patch("/admin/v1/platforms/VENDOR-X", { manufacturerCodes: ["000043"] });
    await seenWithin(1000, async () => JSON.stringify(await codesOnSecond()) === '["000043"]');

    await viaFirst.delete("/admin/v1/platforms/VENDOR-X");
    await seenWithin(1000, async () => (await viaSecond.get("/admin/v1/platforms/VENDOR-X")).status === 404);
  });
});

describe("auth cache invalidation across hub instances", () => {
  it("a logout or unbind on one instance is refused on the other at once", async (ctx) => {
    if (!(await postgresOrSkip())) return ctx.skip();
    const { startWorld, loginAs, devices } = await import("./support/world.ts");
    const { platformClient } = await import("./support/client.ts");
    const w = await startWorld("postgres");
    const other = await startTestHub("postgres", {}, { databaseUrl: w.hub.databaseUrl });
    try {
      const viaOther = platformClient(other.url, w.appCreds);
      const alice = await loginAs(w, "alice", "alice-token-1");
      const [d1, d2] = w.vendors[0]?.deviceIds ?? [];
      if (!d1 || !d2) throw new Error("devices");
      await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([d1, d2]) });
      const op = (id: string) =>
        viaOther(
          "devices/op",
          { UserID: alice.userId, Device: devices([id], { onOffStatus: "True" }) },
          { AccessToken: alice.accessToken },
        );
      // Warm the other instance's cache, then change the answer through the first instance.
      expect((await op(d2)).body.RetCode).toBe("200");
      await w.call("user/unbindDevices", { UserID: alice.userId, Device: devices([d2]) });
      await until(async () => (await op(d2)).status === 403);
      expect((await op(d1)).body.RetCode).toBe("200");
      await w.call("user/logout", {}, { AccessToken: alice.accessToken });
      await until(async () => (await op(d1)).status === 401);
    } finally {
      await other.close();
      await w.close();
    }
  });
});

async function until(check: () => Promise<boolean>, ms = 1000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`not true within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a hub that lost its LISTEN connection", () => {
  it("reloads the registry when it listens again, catching changes whose NOTIFY it missed", async (ctx) => {
    if (!(await postgresOrSkip())) return ctx.skip();
    const hub = await startTestHub("postgres");
    const { default: postgres } = await import("postgres");
    const { encryptSecret, keyringFromHex, newAppSecret } = await import("@yunlian/secrets");
    const sql = postgres(hub.databaseUrl ?? "", { max: 1, onnotice: () => {} });
    try {
      // A change whose NOTIFY never arrives (as when it is sent while the LISTEN connection is down).
      const { platformSecretPlace } = await import("@yunlian/db");
      const secret = encryptSecret(
        keyringFromHex("11".repeat(32)),
        newAppSecret(),
        platformSecretPlace("SILENT-VENDOR", "secret"),
      );
      await sql`insert into platforms (plat_id, name, app_id, secret_ciphertext, secret_key_id, api_base_url)
        values ('SILENT-VENDOR', 'silent', 'SILENTAPP', ${secret.ciphertext}, ${secret.keyId}, 'http://127.0.0.1:9/v1')`;
      await sql`insert into manufacturer_codes (code, plat_id) values ('000777', 'SILENT-VENDOR')`;
      await new Promise((r) => setTimeout(r, 300));
      expect(hub.hub.registry.vendorFor("0007770102002001A")).toBeUndefined();
      // The LISTEN connection drops; postgres.js reconnects and listens again.
      const killed = await sql`select pg_terminate_backend(pid) as ok from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`;
      expect(killed.length).toBeGreaterThan(0);
      const start = Date.now();
      while (hub.hub.registry.vendorFor("0007770102002001A")?.platId !== "SILENT-VENDOR") {
        if (Date.now() - start > 20_000) throw new Error("the registry never picked up the missed change");
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await sql.end();
      await hub.close();
    }
  }, 40_000);
});
