import { type Database, manufacturerCodes, type Platform, platforms } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import { eq } from "drizzle-orm";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { openPlatformSecrets, withWebhookSecrets } from "./platform-secrets.ts";
import { openSecrets } from "./sealed-config.ts";

/** Told about a platform whose stored secrets do not decrypt (it is left out of the registry). */
export type OnUnreadable = (platId: string, err: unknown) => void;

/**
 * toRecord, or undefined when the row's secrets do not decrypt: a key the hub lacks (an old
 * HUB_SECRET_KEY removed before `hubctl secrets rewrap`), or a value altered or copied from
 * another row. That platform is then unknown to this hub (its calls are refused), the others
 * are served, and the reason is logged — one bad row never stops the hub.
 */
function readable(
  row: Platform,
  codes: string[],
  keyring: Keyring,
  onUnreadable: OnUnreadable,
): PlatformRecord | undefined {
  try {
    return toRecord(row, codes, keyring);
  } catch (err) {
    onUnreadable(row.platId, err);
    return undefined;
  }
}

/** Turns a stored row (secrets encrypted) into the in-memory record the hub routes with. */
function toRecord(row: Platform, codes: string[], keyring: Keyring, now = new Date()): PlatformRecord {
  return {
    platId: row.platId,
    name: row.name,
    adapter: row.adapter,
    adapterConfig: openSecrets(row.adapterConfig, keyring, row.platId),
    apiBaseUrl: row.apiBaseUrl,
    verifyUrl: row.verifyUrl,
    dataGatewayUrl: row.dataGatewayUrl,
    vendorAppId: row.vendorAppId,
    appId: row.appId,
    securityMode: row.securityMode,
    httpStatus: row.httpStatus,
    events: row.events,
    certFingerprints: row.certFingerprints,
    manufacturerCodes: codes.sort(),
    ...openPlatformSecrets(keyring, row, now),
    dataGatewayDisabledAt: row.dataGatewayDisabledAt,
    sandbox: row.sandbox,
    promotedAt: row.promotedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function loadPlatform(
  db: Database,
  keyring: Keyring,
  platId: string,
  onUnreadable: OnUnreadable,
): Promise<PlatformRecord | undefined> {
  const [row] = await withWebhookSecrets(
    db,
    keyring,
    await db.select().from(platforms).where(eq(platforms.platId, platId)),
  );
  if (!row) return undefined;
  const codes = await db
    .select({ code: manufacturerCodes.code })
    .from(manufacturerCodes)
    .where(eq(manufacturerCodes.platId, platId));
  return readable(
    row,
    codes.map((c) => c.code),
    keyring,
    onUnreadable,
  );
}

export async function loadAllPlatforms(
  db: Database,
  keyring: Keyring,
  onUnreadable: OnUnreadable,
): Promise<PlatformRecord[]> {
  const [rows, codes] = await Promise.all([
    db.select().from(platforms),
    db.select({ code: manufacturerCodes.code, platId: manufacturerCodes.platId }).from(manufacturerCodes),
  ]);
  const codesByPlat = new Map<string, string[]>();
  for (const c of codes) {
    const list = codesByPlat.get(c.platId) ?? [];
    list.push(c.code);
    codesByPlat.set(c.platId, list);
  }
  const complete = await withWebhookSecrets(db, keyring, rows);
  const records: PlatformRecord[] = [];
  for (const r of complete) {
    const record = readable(r, codesByPlat.get(r.platId) ?? [], keyring, onUnreadable);
    if (record) records.push(record);
  }
  return records;
}
