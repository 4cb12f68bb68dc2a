import type { Database } from "@yunlian/db";
import { randomToken, sha256Hex, timingSafeEqualStr } from "@yunlian/secrets";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { HubEnv } from "../lib/hono-env.ts";
import type { PlatformRecord } from "../registry/platform-record.ts";
import type { PlatformRegistry } from "../registry/platform-registry.ts";
import type { AuditCtx } from "../services/audit/audit.ts";
import {
  deleteSessionRow,
  findSessionRow,
  openSessionRow,
} from "../services/console-sessions/session-rows.ts";
import { isHttps, SESSION_ID } from "./session.ts";

/**
 * A partner's console session (issue 18): a platform signed in to its own view with its PlatID
 * and its current appSecret — the credential self-service accepts (never the previous one during
 * a rotation grace). The same machinery as the operator's (session.ts): a row in console_sessions
 * holding only the SHA-256 of the cookie's random id, a CSRF token per session, a SameSite=Strict
 * cookie. Its own cookie, scoped to /console/partner, and rows marked with the PlatID: an operator
 * page never takes a partner session, and this never takes an operator's. The session ends when
 * the appSecret it was opened with is rotated, or the platform is removed.
 */
const PARTNER_COOKIE = "yunlian_partner";
const PARTNER_PATH = "/console/partner";
const PARTNER_TTL_MS = 8 * 3_600_000;

export interface PartnerSession {
  platId: string;
  csrf: string;
}

/** What the session row keeps of the appSecret: enough to tell it changed, nothing to sign with. */
const credentialOf = (appSecret: string) => sha256Hex(`yunlian-console-partner.${appSecret}`);

/** The platform whose PlatID and current appSecret these are; undefined otherwise (same answer for both). */
export function partnerByCredential(
  registry: PlatformRegistry,
  platId: string,
  appSecret: string,
): PlatformRecord | undefined {
  const platform = registry.get(platId);
  // Compared even for an unknown PlatID, so the answer's timing does not tell which was wrong.
  const expected = platform?.appSecret.current ?? "whsec_no-such-platform-0000000000000000000000";
  const matches = timingSafeEqualStr(credentialOf(appSecret), credentialOf(expected));
  return platform && matches ? platform : undefined;
}

export async function startPartnerSession<E extends HubEnv>(
  c: Context<E>,
  ctx: AuditCtx,
  platform: PlatformRecord,
  now: Date,
): Promise<void> {
  const id = randomToken(32);
  await openSessionRow(
    ctx,
    {
      idHash: sha256Hex(id),
      operator: `platform:${platform.platId}`,
      // Not an operator scope: operator pages refuse every row with a PlatID (session.ts).
      scope: "read",
      keyId: null,
      platId: platform.platId,
      credential: credentialOf(platform.appSecret.current),
      csrf: randomToken(32),
      expiresAt: new Date(now.getTime() + PARTNER_TTL_MS),
    },
    now,
    { actor: `platform:${platform.platId}`, action: "self.console.login", target: platform.platId },
  );
  setCookie(c, PARTNER_COOKIE, id, {
    path: PARTNER_PATH,
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttps(c),
    maxAge: PARTNER_TTL_MS / 1000,
  });
}

/** The request's partner session when its row is fresh and the platform's appSecret is still the one it was opened with. */
export async function currentPartnerSession<E extends HubEnv>(
  c: Context<E>,
  db: Database,
  registry: PlatformRegistry,
  now: Date,
): Promise<PartnerSession | undefined> {
  const id = getCookie(c, PARTNER_COOKIE);
  if (!id || !SESSION_ID.test(id)) return undefined;
  const row = await findSessionRow(db, sha256Hex(id), "partner");
  if (!row?.platId || row.expiresAt <= now || row.credential === null) return undefined;
  const platform = registry.get(row.platId);
  if (!platform || !timingSafeEqualStr(row.credential, credentialOf(platform.appSecret.current)))
    return undefined;
  return { platId: row.platId, csrf: row.csrf };
}

export async function endPartnerSession<E extends HubEnv>(c: Context<E>, db: Database): Promise<void> {
  const id = getCookie(c, PARTNER_COOKIE);
  if (id && SESSION_ID.test(id)) {
    await deleteSessionRow(db, sha256Hex(id));
  }
  deleteCookie(c, PARTNER_COOKIE, { path: PARTNER_PATH, secure: isHttps(c) });
}
