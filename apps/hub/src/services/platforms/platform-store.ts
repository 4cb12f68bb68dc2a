import { type Database, manufacturerCodes, type Platform, platforms } from "@yunlian/db";
import type { Keyring } from "@yunlian/secrets";
import { eq } from "drizzle-orm";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { openPlatformSecrets, withWebhookSecrets } from "./platform-secrets.ts";
import { openSecrets } from "./sealed-config.ts";

/** Turns a stored row (secrets encrypted) into the in-memory record the hub routes with. */
function toRecord(row: Platform, codes: string[], keyring: Keyring, now = new Date()): PlatformRecord {
  return {
    platId: row.platId,
    name: row.name,
    adapter: row.adapter,
    adapterConfig: openSecrets(row.adapterConfig, keyring),
    apiBaseUrl: row.apiBaseUrl,
    verifyUrl: row.verifyUrl,
    dataGatewayUrl: row.dataGatewayUrl,
    vendorAppId: row.vendorAppId,
    appId: row.appId,
    securityMode: row.securityMode,
    httpStatus: row.httpStatus,
    certFingerprints: row.certFingerprints,
    manufacturerCodes: codes.sort(),
    ...openPlatformSecrets(keyring, row, now),
    dataGatewayDisabledAt: row.dataGatewayDisabledAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function loadPlatform(
  db: Database,
  keyring: Keyring,
  platId: string,
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
  return toRecord(
    row,
    codes.map((c) => c.code),
    keyring,
  );
}

export async function loadAllPlatforms(db: Database, keyring: Keyring): Promise<PlatformRecord[]> {
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
  return complete.map((r) => toRecord(r, codesByPlat.get(r.platId) ?? [], keyring));
}
