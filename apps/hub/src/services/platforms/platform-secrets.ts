import {
  type Database,
  type Platform,
  type PlatformSecretColumn,
  platformSecretPlace,
  platforms,
} from "@yunlian/db";
import { decryptSecret, encryptSecret, type Keyring, newAppSecret, newWebhookSecret } from "@yunlian/secrets";
import { inArray, sql } from "drizzle-orm";
import type { RotatingSecret } from "../../registry/platform-record.ts";

/**
 * A platform's two hub-issued secrets (docs/design.md §7) at rest: the appSecret the platform
 * signs its requests to the hub with, the webhookSecret the hub signs what it sends to the
 * platform with. Every encryption and decryption of them in the hub happens in this file, so a
 * change of how they are sealed (key rotation, associated data) is made here.
 */

/** The column values of one sealed secret. */
interface Sealed {
  ciphertext: string;
  keyId: string;
}

const seal = (keyring: Keyring, clear: string, platId: string, column: PlatformSecretColumn): Sealed =>
  encryptSecret(keyring, clear, platformSecretPlace(platId, column));
const open = (keyring: Keyring, sealed: Sealed, platId: string, column: PlatformSecretColumn): string =>
  decryptSecret(keyring, sealed.ciphertext, sealed.keyId, platformSecretPlace(platId, column));

/** The secrets' columns of a platform row. */
type SecretColumns = Pick<
  Platform,
  | "secretCiphertext"
  | "secretKeyId"
  | "previousSecretCiphertext"
  | "previousSecretKeyId"
  | "previousSecretExpiresAt"
  | "webhookSecretCiphertext"
  | "webhookSecretKeyId"
  | "previousWebhookSecretCiphertext"
  | "previousWebhookSecretKeyId"
  | "previousWebhookSecretExpiresAt"
>;

/** Both secrets in clear: what the register and rotation answers show, once. */
export interface IssuedSecrets {
  appSecret: string;
  webhookSecret: string;
}

/** A new platform's secrets, clear (for the answer) and sealed (for its row). */
export function issuePlatformSecrets(
  keyring: Keyring,
  platId: string,
): { clear: IssuedSecrets; columns: SecretColumns } {
  const clear = { appSecret: newAppSecret(), webhookSecret: newWebhookSecret() };
  const app = seal(keyring, clear.appSecret, platId, "secret");
  const webhook = seal(keyring, clear.webhookSecret, platId, "webhook_secret");
  return {
    clear,
    columns: {
      secretCiphertext: app.ciphertext,
      secretKeyId: app.keyId,
      previousSecretCiphertext: null,
      previousSecretKeyId: null,
      previousSecretExpiresAt: null,
      webhookSecretCiphertext: webhook.ciphertext,
      webhookSecretKeyId: webhook.keyId,
      previousWebhookSecretCiphertext: null,
      previousWebhookSecretKeyId: null,
      previousWebhookSecretExpiresAt: null,
    },
  };
}

/**
 * New secrets for a rotation: the current ones become the previous ones until `graceUntil`, or
 * are dropped at once when it is null (the operator ended the grace: a leaked secret).
 */
export function rotatedPlatformSecrets(
  keyring: Keyring,
  platId: string,
  current: Pick<
    SecretColumns,
    "secretCiphertext" | "secretKeyId" | "webhookSecretCiphertext" | "webhookSecretKeyId"
  >,
  graceUntil: Date | null,
): { clear: IssuedSecrets; columns: SecretColumns } {
  const issued = issuePlatformSecrets(keyring, platId);
  if (graceUntil === null) return issued;
  // The current secrets move to the previous columns: opened, and sealed again for those.
  const previousApp = seal(
    keyring,
    open(keyring, { ciphertext: current.secretCiphertext, keyId: current.secretKeyId }, platId, "secret"),
    platId,
    "previous_secret",
  );
  const previousWebhook =
    current.webhookSecretCiphertext !== null && current.webhookSecretKeyId !== null
      ? seal(
          keyring,
          open(
            keyring,
            { ciphertext: current.webhookSecretCiphertext, keyId: current.webhookSecretKeyId },
            platId,
            "webhook_secret",
          ),
          platId,
          "previous_webhook_secret",
        )
      : undefined;
  return {
    clear: issued.clear,
    columns: {
      ...issued.columns,
      previousSecretCiphertext: previousApp.ciphertext,
      previousSecretKeyId: previousApp.keyId,
      previousSecretExpiresAt: graceUntil,
      previousWebhookSecretCiphertext: previousWebhook?.ciphertext ?? null,
      previousWebhookSecretKeyId: previousWebhook?.keyId ?? null,
      previousWebhookSecretExpiresAt: previousWebhook ? graceUntil : null,
    },
  };
}

function rotating(
  keyring: Keyring,
  place: { platId: string; current: PlatformSecretColumn; previous: PlatformSecretColumn },
  current: Sealed,
  previous: { ciphertext: string | null; keyId: string | null; expiresAt: Date | null },
  now: Date,
): RotatingSecret {
  const secret: RotatingSecret = { current: open(keyring, current, place.platId, place.current) };
  // An expired predecessor is not even decrypted; one still in grace carries its end, which
  // every use checks again (a record can outlive the grace in memory).
  if (previous.ciphertext && previous.keyId && previous.expiresAt && previous.expiresAt > now) {
    secret.previous = {
      secret: open(
        keyring,
        { ciphertext: previous.ciphertext, keyId: previous.keyId },
        place.platId,
        place.previous,
      ),
      until: previous.expiresAt,
    };
  }
  return secret;
}

/** The secrets of a stored row, in clear, for the in-memory record. */
export function openPlatformSecrets(
  keyring: Keyring,
  row: SecretColumns & Pick<Platform, "platId">,
  now = new Date(),
): { appSecret: RotatingSecret; webhookSecret: RotatingSecret } {
  if (!row.webhookSecretCiphertext || !row.webhookSecretKeyId) {
    throw new Error("platform row without a webhookSecret: load it through withWebhookSecrets");
  }
  return {
    appSecret: rotating(
      keyring,
      { platId: row.platId, current: "secret", previous: "previous_secret" },
      { ciphertext: row.secretCiphertext, keyId: row.secretKeyId },
      {
        ciphertext: row.previousSecretCiphertext,
        keyId: row.previousSecretKeyId,
        expiresAt: row.previousSecretExpiresAt,
      },
      now,
    ),
    webhookSecret: rotating(
      keyring,
      { platId: row.platId, current: "webhook_secret", previous: "previous_webhook_secret" },
      { ciphertext: row.webhookSecretCiphertext, keyId: row.webhookSecretKeyId },
      {
        ciphertext: row.previousWebhookSecretCiphertext,
        keyId: row.previousWebhookSecretKeyId,
        expiresAt: row.previousWebhookSecretExpiresAt,
      },
      now,
    ),
  };
}

/**
 * The rows, each with a webhookSecret. Rows written before webhookSecrets existed (migration
 * 0005 could add the columns but not encrypt a value) get one here, the first time any hub loads
 * them: generated, sealed, and stored only if the row still has none, so hub instances starting
 * together agree on one (the loser reads the winner's). The platform learns it at its next
 * rotation; until then it cannot verify the hub's webhooks, which it could not before either.
 */
export async function withWebhookSecrets(
  db: Database,
  keyring: Keyring,
  rows: Platform[],
): Promise<Platform[]> {
  const missing = rows.filter((row) => !(row.webhookSecretCiphertext && row.webhookSecretKeyId));
  if (missing.length === 0) return rows;
  const filled = new Map<string, Platform>();
  // A statement per chunk, not per row: a large registry upgraded from before 0005 filled 100,000
  // rows one UPDATE at a time, and the hub was not healthy for minutes.
  for (let i = 0; i < missing.length; i += BACKFILL_CHUNK) {
    const chunk = missing.slice(i, i + BACKFILL_CHUNK);
    const input = chunk.map((row) => {
      const sealed = seal(keyring, newWebhookSecret(), row.platId, "webhook_secret");
      return { plat_id: row.platId, ciphertext: sealed.ciphertext, key_id: sealed.keyId };
    });
    await db.execute(sql`
      update ${platforms} p
      set webhook_secret_ciphertext = i.ciphertext, webhook_secret_key_id = i.key_id, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as i(plat_id text, ciphertext text, key_id text)
      where p.plat_id = i.plat_id and p.webhook_secret_ciphertext is null`);
    const ids = chunk.map((row) => row.platId);
    for (const stored of await db.select().from(platforms).where(inArray(platforms.platId, ids))) {
      filled.set(stored.platId, stored);
    }
  }
  // In the given order; a row deleted meanwhile is simply not loaded.
  return rows.flatMap((row) => {
    if (row.webhookSecretCiphertext && row.webhookSecretKeyId) return [row];
    const stored = filled.get(row.platId);
    return stored ? [stored] : [];
  });
}

/** Rows given a webhookSecret per statement (see withWebhookSecrets). */
const BACKFILL_CHUNK = 1000;
