import { randomToken, sha256Hex, timingSafeEqualStr } from "@yunlian/secrets";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { HubEnv } from "../lib/hono-env.ts";
import { type Operator, type OperatorAuth, operatorActor } from "../security/operator-auth.ts";
import type { AuditCtx } from "../services/audit/audit.ts";
import {
  deleteSessionRow,
  findSessionRow,
  openSessionRow,
} from "../services/console-sessions/session-rows.ts";

const SESSION_COOKIE = "yunlian_console";
const SESSION_TTL_MS = 12 * 3_600_000;
/** randomToken(32): 43 base64url characters. */
export const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** What the console sessions use: the database (and its audit log) and who the credentials are. */
export interface SessionCtx extends AuditCtx {
  operators: OperatorAuth;
}

/** A live session: who is signed in, and the CSRF token of their forms. */
export interface ConsoleSession {
  operator: Operator;
  csrf: string;
}

/**
 * Console sessions are kept server-side, in the database (table console_sessions): every hub
 * instance sharing the database sees them, PostgreSQL or embedded PGlite alike, with nothing
 * else to run. The cookie holds a random id; the table only its SHA-256. Logout deletes the row,
 * so the cookie is dead at once. A session also ends when its credential no longer holds: the
 * operator key is revoked, or HUB_ADMIN_TOKEN changed (the row keeps a fingerprint of it).
 */
export async function startSession<E extends HubEnv>(
  c: Context<E>,
  ctx: SessionCtx,
  operator: Operator,
  now: Date,
): Promise<void> {
  const id = randomToken(32);
  await openSessionRow(
    ctx,
    {
      idHash: sha256Hex(id),
      operator: operator.name,
      scope: operator.scope,
      keyId: operator.keyId ?? null,
      credential: operator.keyId ? null : ctx.operators.bootstrapFingerprint(),
      csrf: randomToken(32),
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    },
    now,
    { actor: operatorActor(operator), action: "console.login", detail: { scope: operator.scope } },
  );
  setCookie(c, SESSION_COOKIE, id, {
    path: "/console",
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttps(c),
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** Ends the session of this request (its row, then its cookie). */
export async function endSession<E extends HubEnv>(c: Context<E>, ctx: SessionCtx): Promise<void> {
  const id = getCookie(c, SESSION_COOKIE);
  if (id && SESSION_ID.test(id)) {
    await deleteSessionRow(ctx.db, sha256Hex(id));
  }
  deleteCookie(c, SESSION_COOKIE, { path: "/console", secure: isHttps(c) });
}

/** The request's session when its row exists, is fresh, and its credential still holds. */
export async function currentSession<E extends HubEnv>(
  c: Context<E>,
  ctx: SessionCtx,
  now: Date,
): Promise<ConsoleSession | undefined> {
  const id = getCookie(c, SESSION_COOKIE);
  if (!id || !SESSION_ID.test(id)) return undefined;
  // A partner's session (partner-session.ts) is never an operator's, whatever its cookie says.
  const row = await findSessionRow(ctx.db, sha256Hex(id), "operator");
  if (!row || row.platId !== null || row.expiresAt <= now) return undefined;
  const holds = row.keyId
    ? await ctx.operators.keyActive(row.keyId)
    : row.credential !== null && timingSafeEqualStr(row.credential, ctx.operators.bootstrapFingerprint());
  if (!holds) return undefined;
  return {
    operator: { name: row.operator, scope: row.scope, ...(row.keyId ? { keyId: row.keyId } : {}) },
    csrf: row.csrf,
  };
}

/**
 * The synchronizer token every state-changing form carries, random per session. With the
 * SameSite=Strict cookie and the Origin check in front it is the third lock on CSRF.
 */
export function validCsrf(session: ConsoleSession, given: unknown): boolean {
  return typeof given === "string" && timingSafeEqualStr(given, session.csrf);
}

/** Behind a TLS-terminating proxy the request URL is http; X-Forwarded-Proto tells the truth. */
export function isHttps<E extends HubEnv>(c: Context<E>): boolean {
  return c.req.url.startsWith("https:") || c.req.header("x-forwarded-proto") === "https";
}
