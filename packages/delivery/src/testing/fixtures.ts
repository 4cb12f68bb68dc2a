import { randomBytes } from "node:crypto";
import {
  bindings,
  type Database,
  type DatabaseHandle,
  hubUsers,
  openDatabase,
  platformSecretPlace,
  platforms,
} from "@yunlian/db";
import { createTestDatabase } from "@yunlian/db/testing";
import {
  encryptSecret,
  type Keyring,
  keyringFromHex,
  newAppSecret,
  newWebhookSecret,
} from "@yunlian/secrets";

/** A fixed test key: tests must not depend on HUB_SECRET_KEY being set. */
export const TEST_SECRET_KEY_HEX = "11".repeat(32);

export function testKeyring(): Keyring {
  return keyringFromHex(TEST_SECRET_KEY_HEX);
}

export interface TestDb {
  url: string;
  handle: DatabaseHandle;
  db: Database;
  close(): Promise<void>;
}

/** A fresh, migrated database of its own (one per test file, so files run in parallel). */
export async function openTestDb(maxConnections = 10): Promise<TestDb> {
  const created = await createTestDatabase();
  const handle = await openDatabase({ url: created.url, maxConnections });
  await handle.migrate();
  return {
    url: created.url,
    handle,
    db: handle.db,
    async close() {
      await handle.close();
      await created.drop();
    },
  };
}

export interface TestPlatformInput {
  platId: string;
  dataGatewayUrl?: string | null;
  /** The webhookSecret deliveries to it are signed with (random when left out). */
  webhookSecret?: string;
  previousWebhookSecret?: { secret: string; expiresAt: Date };
}

/**
 * Inserts a platform row directly (the admin API is the hub's); returns its clear-text
 * webhookSecret, what a receiver verifies deliveries with. Its appSecret is another random
 * secret, as the hub issues them: a delivery signed with it verifies with nothing.
 */
export async function insertPlatform(db: Database, keyring: Keyring, p: TestPlatformInput): Promise<string> {
  const webhookSecret = p.webhookSecret ?? newWebhookSecret();
  const at = (column: Parameters<typeof platformSecretPlace>[1]) => platformSecretPlace(p.platId, column);
  const app = encryptSecret(keyring, newAppSecret(), at("secret"));
  const webhook = encryptSecret(keyring, webhookSecret, at("webhook_secret"));
  const prev = p.previousWebhookSecret
    ? encryptSecret(keyring, p.previousWebhookSecret.secret, at("previous_webhook_secret"))
    : undefined;
  await db.insert(platforms).values({
    platId: p.platId,
    name: p.platId,
    appId: `app-${randomBytes(6).toString("hex")}`,
    dataGatewayUrl: p.dataGatewayUrl ?? null,
    secretCiphertext: app.ciphertext,
    secretKeyId: app.keyId,
    webhookSecretCiphertext: webhook.ciphertext,
    webhookSecretKeyId: webhook.keyId,
    previousWebhookSecretCiphertext: prev?.ciphertext ?? null,
    previousWebhookSecretKeyId: prev?.keyId ?? null,
    previousWebhookSecretExpiresAt: p.previousWebhookSecret?.expiresAt ?? null,
  });
  return webhookSecret;
}

let userSeq = 0;

/** Binds a device to a fresh user of `platId` (so platId subscribes to the device's reports). */
export async function bindDevice(
  db: Database,
  b: { platId: string; udeviceId: string; vendorPlatId: string },
): Promise<void> {
  userSeq += 1;
  const userId = `u${randomBytes(6).toString("hex")}${userSeq}`.slice(0, 20);
  await db.insert(hubUsers).values({ userId, platId: b.platId, loginId: userId.slice(0, 20) });
  await db
    .insert(bindings)
    .values({ userId, udeviceId: b.udeviceId, platId: b.platId, vendorPlatId: b.vendorPlatId });
}

/** A syntactically valid UDeviceID: manufacturer 000006, appliance 01, laundry 02, drum washer 002. */
export function testUdeviceId(n: number | string): string {
  return `0000060102002D${n}`;
}
