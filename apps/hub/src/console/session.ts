import { createHmac } from "node:crypto";
import { timingSafeEqualStr } from "@yunlian/secrets";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { HubEnv } from "../lib/hono-env.ts";

const SESSION_COOKIE = "yunlian_console";
const SESSION_TTL_MS = 12 * 3_600_000;

/**
 * A console session is stateless, so any hub instance behind a load balancer accepts it: the
 * cookie holds the login time and an HMAC of it keyed by the admin token. The admin token itself
 * never leaves the server; rotating HUB_ADMIN_TOKEN ends every session.
 */
function mac(adminToken: string, purpose: string, value: string): string {
  return createHmac("sha256", adminToken).update(`yunlian-console.${purpose}.${value}`).digest("base64url");
}

export function startSession<E extends HubEnv>(c: Context<E>, adminToken: string, now: Date): void {
  const issued = String(now.getTime());
  setCookie(c, SESSION_COOKIE, `${issued}.${mac(adminToken, "session", issued)}`, {
    path: "/console",
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttps(c),
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function endSession<E extends HubEnv>(c: Context<E>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/console", secure: isHttps(c) });
}

/** The session cookie's value when it is genuine and fresh; undefined otherwise. */
export function currentSession<E extends HubEnv>(
  c: Context<E>,
  adminToken: string,
  now: Date,
): string | undefined {
  const value = getCookie(c, SESSION_COOKIE);
  const [issued, signature] = value?.split(".") ?? [];
  if (!value || !issued || !signature || !/^\d{1,16}$/.test(issued)) return undefined;
  const age = now.getTime() - Number(issued);
  if (age < 0 || age > SESSION_TTL_MS) return undefined;
  return timingSafeEqualStr(signature, mac(adminToken, "session", issued)) ? value : undefined;
}

/**
 * The token every state-changing form carries (synchronizer token, bound to the session). With
 * the SameSite=Strict cookie and the Origin check in front it is the third lock on CSRF.
 */
export function csrfToken(adminToken: string, session: string): string {
  return mac(adminToken, "csrf", session);
}

export function validCsrf(adminToken: string, session: string, given: unknown): boolean {
  return typeof given === "string" && timingSafeEqualStr(given, csrfToken(adminToken, session));
}

/** Behind a TLS-terminating proxy the request URL is http; X-Forwarded-Proto tells the truth. */
function isHttps<E extends HubEnv>(c: Context<E>): boolean {
  return c.req.url.startsWith("https:") || c.req.header("x-forwarded-proto") === "https";
}
