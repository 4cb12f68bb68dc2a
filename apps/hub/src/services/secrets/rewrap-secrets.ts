import {
  type Database,
  type Platform,
  type PlatformSecretColumn,
  platformSecretPlace,
  platforms,
  vendorSessionPlace,
  vendorSessions,
} from "@yunlian/db";
import { decryptSecret, encryptSecret, isCurrentSeal, type Keyring } from "@yunlian/secrets";
import { and, asc, eq, gt, or } from "drizzle-orm";
import { type Actor, type AuditCtx, audit } from "../audit/audit.ts";
import { countSealed, openSecrets, sealSecrets } from "../platforms/sealed-config.ts";

export type RewrapCtx = AuditCtx & { db: Database; keyring: Keyring };

export interface RewrapResult {
  /** The current key's id: every value rewrapped is sealed with it. */
  keyId: string;
  /** Values sealed again, per table.column. */
  rewrapped: Record<string, number>;
  /** Values that did not decrypt (left as they were): their place and the reason. */
  failed: { place: string; reason: string }[];
}

/** Each secret column pair of a platform row, by its name in the associated data. */
const PLATFORM_COLUMNS = [
  ["secret", "secretCiphertext", "secretKeyId"],
  ["previous_secret", "previousSecretCiphertext", "previousSecretKeyId"],
  ["webhook_secret", "webhookSecretCiphertext", "webhookSecretKeyId"],
  ["previous_webhook_secret", "previousWebhookSecretCiphertext", "previousWebhookSecretKeyId"],
] as const satisfies readonly (readonly [PlatformSecretColumn, keyof Platform, keyof Platform])[];

const BATCH = 500;

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * `hubctl secrets rewrap` (POST /admin/v1/secrets/rewrap): every sealed value — the platforms'
 * secrets and sealed adapterConfig values, the vendor sessions — decrypted with whichever key
 * sealed it (HUB_SECRET_KEY or one of HUB_SECRET_KEY_PREVIOUS) and sealed again with the current
 * key, in format v2 (bound to its table, row and column). Values already current are only
 * decrypted (a check: a value altered or copied from another row is reported), so it can run again; each row is rewritten in its own transaction, under a row lock (or only
 * if unchanged), so hub instances keep serving meanwhile. The clear values do not change: no
 * registry reload is needed. A value that does not decrypt is reported, never dropped.
 */
export async function rewrapSecrets(ctx: RewrapCtx, by: Actor): Promise<RewrapResult> {
  const result: RewrapResult = { keyId: ctx.keyring.current.id, rewrapped: {}, failed: [] };
  const count = (what: string, n = 1) => {
    result.rewrapped[what] = (result.rewrapped[what] ?? 0) + n;
  };
  const platIds = await ctx.db
    .select({ platId: platforms.platId })
    .from(platforms)
    .orderBy(asc(platforms.platId));
  for (const { platId } of platIds) {
    try {
      await rewrapPlatform(ctx, platId, count);
    } catch (err) {
      result.failed.push({ place: `platforms row ${platId}`, reason: reasonOf(err) });
    }
  }
  await rewrapVendorSessions(ctx, count, result.failed);
  const total = Object.values(result.rewrapped).reduce((a, b) => a + b, 0);
  await audit(ctx, {
    actor: by.actor,
    action: "secrets.rewrap",
    outcome: result.failed.length === 0 ? "ok" : "failed",
    detail: { keyId: result.keyId, rewrapped: total, failed: result.failed.length },
  });
  return result;
}

async function rewrapPlatform(
  ctx: RewrapCtx,
  platId: string,
  count: (what: string, n?: number) => void,
): Promise<void> {
  const { keyring } = ctx;
  const stale = (ciphertext: string, keyId: string) => !isCurrentSeal(keyring, ciphertext, keyId);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(platforms).where(eq(platforms.platId, platId)).for("update");
    if (!row) return;
    const changes: Partial<Platform> = {};
    for (const [column, cipherField, keyField] of PLATFORM_COLUMNS) {
      const ciphertext = row[cipherField];
      const keyId = row[keyField];
      if (typeof ciphertext !== "string" || typeof keyId !== "string") continue;
      const place = platformSecretPlace(platId, column);
      // Every value is decrypted, current ones too: the rewrap doubles as a check of the row.
      const clear = decryptSecret(keyring, ciphertext, keyId, place);
      if (!stale(ciphertext, keyId)) continue;
      const sealed = encryptSecret(keyring, clear, place);
      Object.assign(changes, { [cipherField]: sealed.ciphertext, [keyField]: sealed.keyId });
      count(`platforms.${column}`);
    }
    const clear = openSecrets(row.adapterConfig, keyring, platId);
    const staleInConfig = countSealed(row.adapterConfig, (s) => stale(s.$sealed, s.kid));
    if (staleInConfig > 0) {
      changes.adapterConfig = sealSecrets(clear, keyring, platId) as Record<string, unknown>;
      count("platforms.adapter_config", staleInConfig);
    }
    if (Object.keys(changes).length > 0) {
      await tx.update(platforms).set(changes).where(eq(platforms.platId, platId));
    }
  });
}

async function rewrapVendorSessions(
  ctx: RewrapCtx,
  count: (what: string) => void,
  failed: RewrapResult["failed"],
): Promise<void> {
  const { db, keyring } = ctx;
  let after: { userId: string; vendorPlatId: string } | undefined;
  for (;;) {
    const rows = await db
      .select()
      .from(vendorSessions)
      .where(
        after
          ? or(
              gt(vendorSessions.userId, after.userId),
              and(
                eq(vendorSessions.userId, after.userId),
                gt(vendorSessions.vendorPlatId, after.vendorPlatId),
              ),
            )
          : undefined,
      )
      .orderBy(asc(vendorSessions.userId), asc(vendorSessions.vendorPlatId))
      .limit(BATCH);
    for (const row of rows) {
      const place = vendorSessionPlace(row.userId, row.vendorPlatId);
      try {
        const clear = decryptSecret(keyring, row.tokenCiphertext, row.tokenKeyId, place);
        if (isCurrentSeal(keyring, row.tokenCiphertext, row.tokenKeyId)) continue;
        const sealed = encryptSecret(keyring, clear, place);
        // Only if unchanged: a session saved meanwhile is already sealed with the current key.
        await db
          .update(vendorSessions)
          .set({ tokenCiphertext: sealed.ciphertext, tokenKeyId: sealed.keyId })
          .where(
            and(
              eq(vendorSessions.userId, row.userId),
              eq(vendorSessions.vendorPlatId, row.vendorPlatId),
              eq(vendorSessions.tokenCiphertext, row.tokenCiphertext),
            ),
          );
        count("vendor_sessions.token");
      } catch (err) {
        failed.push({ place: `vendor_sessions row ${place.row}`, reason: reasonOf(err) });
      }
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return;
    after = { userId: last.userId, vendorPlatId: last.vendorPlatId };
  }
}
