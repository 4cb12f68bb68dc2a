/**
 * Migration 0005 adds the webhook secret columns but cannot fill them (the value is encrypted with
 * HUB_SECRET_KEY): a hub that loads a platform without one gives it one, once, and every later
 * load keeps it.
 */
import { platforms } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/client.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";

describe("platforms registered before webhookSecrets existed", () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub("pglite");
  }, 60_000);
  afterAll(async () => hub?.close());

  const row = async (platId: string) => {
    const [r] = await hub.hub.database.db.select().from(platforms).where(eq(platforms.platId, platId));
    return r;
  };

  it("get a webhookSecret when a hub loads them, kept across later loads", async () => {
    const admin = adminClient(hub.url, hub.adminToken);
    for (const platId of ["OLD-APP-1", "OLD-APP-2"]) {
      expect((await admin.post("/admin/v1/platforms", { platId, name: platId })).status).toBe(201);
    }
    // As the rows are right after migration 0005 on a database from before it.
    await hub.hub.database.db
      .update(platforms)
      .set({ webhookSecretCiphertext: null, webhookSecretKeyId: null })
      .where(eq(platforms.platId, "OLD-APP-1"));
    await hub.hub.database.db
      .update(platforms)
      .set({ webhookSecretCiphertext: null, webhookSecretKeyId: null })
      .where(eq(platforms.platId, "OLD-APP-2"));
    const before = await row("OLD-APP-2");
    expect(before?.webhookSecretCiphertext).toBeNull();
    const appSecret = hub.hub.registry.get("OLD-APP-1")?.appSecret.current;

    // A start (every platform) and a single reload (a NOTIFY) both fill them in.
    await hub.hub.platformSync.reloadAll();
    await hub.hub.platformSync.refresh("OLD-APP-2");
    for (const platId of ["OLD-APP-1", "OLD-APP-2"]) {
      const stored = await row(platId);
      expect(stored?.webhookSecretCiphertext).toEqual(expect.any(String));
      const record = hub.hub.registry.get(platId);
      expect(record?.webhookSecret.current).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(record?.webhookSecret.current).not.toBe(record?.appSecret.current);
    }
    expect(hub.hub.registry.get("OLD-APP-1")?.appSecret.current).toBe(appSecret);

    const filled = await row("OLD-APP-1");
    const secret = hub.hub.registry.get("OLD-APP-1")?.webhookSecret.current;
    await hub.hub.platformSync.reloadAll();
    expect((await row("OLD-APP-1"))?.webhookSecretCiphertext).toBe(filled?.webhookSecretCiphertext);
    expect(hub.hub.registry.get("OLD-APP-1")?.webhookSecret.current).toBe(secret);
  });
});
