/**
 * HUB_SECRET_KEY rotation and ciphertexts bound to their place (issue 14 part 6), on PostgreSQL:
 * hubs started one after another on one database, as an operator rotates the key. The previous
 * key in HUB_SECRET_KEY_PREVIOUS keeps the hub working; new writes use the current key; a rewrap
 * re-seals everything, after which the previous key can go; a ciphertext copied between two
 * platforms' rows does not decrypt (that platform is left out, the hub keeps serving); values of
 * the first format (no associated data) still decrypt and are upgraded by the rewrap.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { run } from "@yunlian/cli";
import { vendorSessionPlace } from "@yunlian/db";
import { createTestDatabase } from "@yunlian/db/testing";
import { decryptSecret, keyringFromHex, newAppSecret, newWebhookSecret } from "@yunlian/secrets";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { postgresOrSkip, startTestHub, type TestHub } from "./support/harness.ts";
import { selfClient } from "./support/self-client.ts";

const K1 = "11".repeat(32);
const K2 = "22".repeat(32);
const K1_ID = keyringFromHex(K1).current.id;
const K2_ID = keyringFromHex(K2).current.id;

let databaseUrl = "";
let drop: (() => Promise<void>) | undefined;
let sql: postgres.Sql;
let available = false;

beforeAll(async () => {
  available = await postgresOrSkip();
  if (!available) return;
  const created = await createTestDatabase();
  databaseUrl = created.url;
  drop = created.drop;
  sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end();
  await drop?.();
});

/** A hub on the shared database with these keys; closed by the caller. */
function hubWith(key: string, previous?: string): Promise<TestHub> {
  return startTestHub(
    "postgres",
    { HUB_SECRET_KEY: key, ...(previous ? { HUB_SECRET_KEY_PREVIOUS: previous } : {}) },
    { databaseUrl },
  );
}

async function using<T>(hub: Promise<TestHub>, body: (h: TestHub) => Promise<T>): Promise<T> {
  const h = await hub;
  try {
    return await body(h);
  } finally {
    await h.close();
  }
}

const TUYA = { clientId: "tuya-id", clientSecret: "tuya-client-secret", deviceTypes: {} };

/** What the platform sees of itself, signed with its appSecret (200) — or the refusal. */
async function selfStatus(h: TestHub, platId: string, appSecret: string): Promise<number> {
  return (await selfClient(h.url, { platId, appSecret })("GET", "")).status;
}

/** `hubctl secrets rewrap` against that hub. */
async function hubctlRewrap(h: TestHub) {
  let stdout = "";
  let stderr = "";
  const code = await run(["secrets", "rewrap"], {
    env: { HUB_URL: h.url, HUB_ADMIN_TOKEN: h.adminToken },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** The first format: base64url(iv | tag | data), AES-256-GCM without associated data. */
function legacySeal(keyHex: string, clear: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(keyHex, "hex"), iv);
  const data = Buffer.concat([cipher.update(clear, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url");
}

describe("HUB_SECRET_KEY rotation", () => {
  const secrets: Record<string, string> = {};

  it("a platform written before v2 (no associated data) still decrypts", async (ctx) => {
    if (!available) return ctx.skip();
    // Create the schema first (the hub migrates), then insert a row as the hub wrote them before v2.
    await using(hubWith(K1), async () => {});
    secrets.LEGACY = newAppSecret();
    await sql`insert into platforms (plat_id, name, app_id, secret_ciphertext, secret_key_id,
        webhook_secret_ciphertext, webhook_secret_key_id, api_base_url)
      values ('LEGACY-0001', 'legacy', 'LEGACYAPP', ${legacySeal(K1, secrets.LEGACY)}, ${K1_ID},
        ${legacySeal(K1, newWebhookSecret())}, ${K1_ID}, 'http://127.0.0.1:9/v1')`;
    await using(hubWith(K1), async (h) => {
      expect(await selfStatus(h, "LEGACY-0001", secrets.LEGACY ?? "")).toBe(200);
    });
  });

  it("writes under key 1; with key 2 and key 1 as PREVIOUS the hub keeps working and writes with key 2", async (ctx) => {
    if (!available) return ctx.skip();
    await using(hubWith(K1), async (h) => {
      const admin = adminClient(h.url, h.adminToken);
      for (const platId of ["ROT-A-0001", "ROT-B-0001"]) {
        const res = await admin.post("/admin/v1/platforms", {
          platId,
          name: platId,
          adapter: "tuya",
          adapterConfig: TUYA,
          apiBaseUrl: "http://127.0.0.1:9/v1",
        });
        expect(res.status).toBe(201);
        secrets[platId] = String(res.body.appSecret);
      }
    });
    // A vendor session (the hub's login at vendor ROT-A for a user), sealed the first way under key 1.
    await sql`insert into hub_users (user_id, plat_id, login_id) values ('u-rot-1', 'ROT-B-0001', 'rot1')`;
    await sql`insert into vendor_sessions (user_id, vendor_plat_id, vendor_user_id, token_ciphertext, token_key_id)
      values ('u-rot-1', 'ROT-A-0001', 'vendor-user', ${legacySeal(K1, "vendor-access-token")}, ${K1_ID})`;
    const [a] =
      await sql`select secret_ciphertext, secret_key_id from platforms where plat_id = 'ROT-A-0001'`;
    expect(a?.secret_key_id).toBe(K1_ID);
    expect(String(a?.secret_ciphertext)).toMatch(/^v2\./);

    await using(hubWith(K2, K1), async (h) => {
      expect(await selfStatus(h, "ROT-A-0001", secrets["ROT-A-0001"] ?? "")).toBe(200);
      expect(await selfStatus(h, "LEGACY-0001", secrets.LEGACY ?? "")).toBe(200);
      expect(h.hub.registry.get("ROT-A-0001")?.adapterConfig).toMatchObject({
        clientSecret: "tuya-client-secret",
      });
      const admin = adminClient(h.url, h.adminToken);
      const created = await admin.post("/admin/v1/platforms", {
        platId: "ROT-C-0001",
        name: "c",
        apiBaseUrl: "http://127.0.0.1:9/v1",
      });
      expect(created.status).toBe(201);
      secrets["ROT-C-0001"] = String(created.body.appSecret);
      // A rotation under key 2: the old secret moves to the previous column, sealed again.
      const rotated = await admin.post("/admin/v1/platforms/ROT-B-0001/secret", {});
      expect(rotated.status).toBe(200);
      secrets["ROT-B-0001"] = String(rotated.body.appSecret);
      expect(await selfStatus(h, "ROT-B-0001", secrets["ROT-B-0001"] ?? "")).toBe(200);
    });
    const [c] =
      await sql`select secret_key_id, webhook_secret_key_id from platforms where plat_id = 'ROT-C-0001'`;
    expect(c).toMatchObject({ secret_key_id: K2_ID, webhook_secret_key_id: K2_ID });
  });

  it("without PREVIOUS before the rewrap, key-1 platforms are left out but the hub serves the rest", async (ctx) => {
    if (!available) return ctx.skip();
    await using(hubWith(K2), async (h) => {
      expect((await fetch(`${h.url}/health`)).status).toBe(200);
      expect(h.hub.registry.get("ROT-A-0001")).toBeUndefined();
      expect(await selfStatus(h, "ROT-A-0001", secrets["ROT-A-0001"] ?? "")).toBe(401);
      expect(await selfStatus(h, "ROT-C-0001", secrets["ROT-C-0001"] ?? "")).toBe(200);
    });
  });

  it("rewrap re-seals everything with key 2 (v2); then key 1 can go and every platform works", async (ctx) => {
    if (!available) return ctx.skip();
    await using(hubWith(K2, K1), async (h) => {
      const res = await adminClient(h.url, h.adminToken).post("/admin/v1/secrets/rewrap", {});
      expect(res.status).toBe(200);
      expect(res.body.keyId).toBe(K2_ID);
      expect(res.body.failed).toEqual([]);
      expect(res.body.rewrapped).toMatchObject({
        "platforms.secret": expect.any(Number),
        "platforms.adapter_config": 2,
        "vendor_sessions.token": 1,
      });
      // Nothing left to do: a second run (through hubctl) re-seals nothing.
      const again = await hubctlRewrap(h);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(K2_ID);
      expect(again.stdout).not.toContain("platforms.secret");
    });
    const [session] =
      await sql`select token_ciphertext, token_key_id from vendor_sessions where user_id = 'u-rot-1'`;
    expect(session?.token_key_id).toBe(K2_ID);
    expect(
      decryptSecret(
        keyringFromHex(K2),
        String(session?.token_ciphertext),
        K2_ID,
        vendorSessionPlace("u-rot-1", "ROT-A-0001"),
      ),
    ).toBe("vendor-access-token");
    const rows = await sql`select plat_id, secret_ciphertext, secret_key_id, webhook_secret_ciphertext,
        webhook_secret_key_id, previous_secret_ciphertext, previous_secret_key_id, adapter_config::text as config
      from platforms`;
    for (const r of rows) {
      expect(r.secret_key_id, r.plat_id).toBe(K2_ID);
      expect(String(r.secret_ciphertext), r.plat_id).toMatch(/^v2\./);
      expect(r.webhook_secret_key_id, r.plat_id).toBe(K2_ID);
      expect(String(r.webhook_secret_ciphertext), r.plat_id).toMatch(/^v2\./);
      if (r.previous_secret_ciphertext) expect(r.previous_secret_key_id).toBe(K2_ID);
      expect(String(r.config)).not.toContain(K1_ID);
    }
    await using(hubWith(K2), async (h) => {
      for (const platId of ["ROT-A-0001", "ROT-B-0001", "ROT-C-0001", "LEGACY-0001"]) {
        const key = platId === "LEGACY-0001" ? "LEGACY" : platId;
        expect(await selfStatus(h, platId, secrets[key] ?? ""), platId).toBe(200);
      }
      expect(h.hub.registry.get("ROT-A-0001")?.adapterConfig).toMatchObject({
        clientSecret: "tuya-client-secret",
      });
    });
  });

  it("a ciphertext copied from one platform's row to another's does not decrypt: that platform is out, the hub runs", async (ctx) => {
    if (!available) return ctx.skip();
    // The attacker with write access to one column copies A's sealed appSecret into B's row, so
    // that A's secret would sign as B.
    await sql`update platforms set secret_ciphertext = a.secret_ciphertext, secret_key_id = a.secret_key_id
      from platforms a where a.plat_id = 'ROT-A-0001' and platforms.plat_id = 'ROT-B-0001'`;
    await using(hubWith(K2), async (h) => {
      expect((await fetch(`${h.url}/health`)).status).toBe(200);
      expect(h.hub.registry.get("ROT-B-0001")).toBeUndefined();
      expect(await selfStatus(h, "ROT-B-0001", secrets["ROT-A-0001"] ?? "")).toBe(401);
      expect(await selfStatus(h, "ROT-A-0001", secrets["ROT-A-0001"] ?? "")).toBe(200);
      // The rewrap reports the row and leaves it as it is.
      const res = await adminClient(h.url, h.adminToken).post("/admin/v1/secrets/rewrap", {});
      expect(res.status).toBe(200);
      expect(res.body.failed).toEqual([
        expect.objectContaining({
          place: "platforms row ROT-B-0001",
          reason: expect.stringMatching(/authentication failed for platforms.secret of ROT-B-0001/),
        }),
      ]);
      const cli = await hubctlRewrap(h);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain("platforms row ROT-B-0001");
    });
  });
});
