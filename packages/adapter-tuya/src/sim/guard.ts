import { timingSafeEqual } from "node:crypto";
import type { Context, Next } from "hono";
import { TuyaCode } from "../codes.ts";
import { canonicalUrl, tuyaSign } from "../sign.ts";
import type { TuyaCloudState } from "./state.ts";

export const fail = (c: Context, code: number, msg: string) =>
  c.json({ success: false, code, msg, t: Date.now(), tid: crypto.randomUUID().replaceAll("-", "") });
export const done = (c: Context, result: unknown) =>
  c.json({ success: true, result, t: Date.now(), tid: crypto.randomUUID().replaceAll("-", "") });

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Enforces Tuya's request rules before any route runs: known client, a 13-digit `t` within the
 * allowed skew, HMAC-SHA256 over the canonical string-to-sign, and — except on the token endpoints —
 * a live access token (1010 otherwise). Every refusal is Tuya's error envelope.
 */
export function signatureGuard(state: TuyaCloudState, clients: Record<string, string>, maxSkewMs: number) {
  return async (c: Context, next: Next) => {
    const h = (name: string) => c.req.header(name);
    const clientId = h("client_id") ?? "";
    const secret = clients[clientId];
    if (secret === undefined) return fail(c, TuyaCode.SECRET_INVALID, "clientId is invalid");
    const t = h("t") ?? "";
    if (!/^\d{13}$/.test(t) || Math.abs(Date.now() - Number(t)) > maxSkewMs) {
      return fail(c, TuyaCode.TIME_INVALID, "request time is invalid");
    }
    if (h("sign_method") !== "HMAC-SHA256") return fail(c, TuyaCode.SIGN_INVALID, "sign invalid");
    const url = new URL(c.req.url);
    const isTokenCall = url.pathname === "/v1.0/token" || url.pathname.startsWith("/v1.0/token/");
    const accessToken = isTokenCall ? undefined : (h("access_token") ?? "");
    const signedHeaders = (h("Signature-Headers") ?? "")
      .split(":")
      .filter((n) => n !== "")
      .map((n): [string, string] => [n, h(n) ?? ""]);
    const expected = tuyaSign({
      clientId,
      secret,
      accessToken,
      t,
      nonce: h("nonce") ?? "",
      method: c.req.method,
      url: canonicalUrl(url.pathname, url.searchParams.entries()),
      body: await c.req.text(),
      signedHeaders,
    });
    if (!same(expected, h("sign") ?? "")) return fail(c, TuyaCode.SIGN_INVALID, "sign invalid");
    if (!isTokenCall && !state.tokenLive(accessToken))
      return fail(c, TuyaCode.TOKEN_INVALID, "token invalid");
    await next();
  };
}
