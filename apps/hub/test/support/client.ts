import { requestSigningContent } from "@yunlian/protocol";
import { Webhook } from "standardwebhooks";
import { request } from "undici";

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

async function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const res = await request(url, { method, headers, body });
  const text = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k.toLowerCase()] = String(v);
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { raw: text };
  }
  return { status: res.statusCode, headers: flat, body: parsed };
}

/** The operator's view: the admin API with the bearer token. */
export function adminClient(hubUrl: string, token: string) {
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return {
    post: (path: string, body: unknown) => send("POST", `${hubUrl}${path}`, auth, JSON.stringify(body)),
    patch: (path: string, body: unknown) => send("PATCH", `${hubUrl}${path}`, auth, JSON.stringify(body)),
    get: (path: string) => send("GET", `${hubUrl}${path}`, auth),
    delete: (path: string) => send("DELETE", `${hubUrl}${path}`, auth),
  };
}

export interface PlatformCredentials {
  platId: string;
  appId?: string;
  appSecret?: string;
}

/**
 * The Standard Webhooks headers of a platform's request to the hub (docs/design.md §7): with the
 * library, `sign(id, time, METHOD + " " + target + "\n" + body)` and its appSecret.
 */
export function requestSignature(
  appSecret: string,
  method: string,
  target: string,
  body: string,
  opts: { id?: string; at?: Date } = {},
): Record<string, string> {
  const id = opts.id ?? `msg_${Math.random().toString(36).slice(2)}${Date.now()}`;
  const at = opts.at ?? new Date();
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(appSecret).sign(id, at, requestSigningContent(method, target, body)),
  };
}

/** A platform calling the hub's standard API, signed with its appSecret when it has one. */
export function platformClient(hubUrl: string, creds: PlatformCredentials) {
  return async (api: string, body: unknown, extra: Record<string, string> = {}): Promise<Answer> => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const headers: Record<string, string> = {
      "content-type": "application/json;charset=UTF-8",
      PlatID: creds.platId,
      ...(creds.appId ? { AppID: creds.appId } : {}),
      ...extra,
    };
    if (creds.appSecret)
      Object.assign(headers, requestSignature(creds.appSecret, "POST", `/v1/${api}`, text));
    return send("POST", `${hubUrl}/v1/${api}`, headers, text);
  };
}
