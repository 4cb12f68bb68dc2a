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
    if (creds.appSecret) {
      const id = `msg_${Math.random().toString(36).slice(2)}${Date.now()}`;
      const now = new Date();
      headers["webhook-id"] = id;
      headers["webhook-timestamp"] = String(Math.floor(now.getTime() / 1000));
      headers["webhook-signature"] = new Webhook(creds.appSecret).sign(id, now, text);
    }
    return send("POST", `${hubUrl}/v1/${api}`, headers, text);
  };
}
