import { randomUUID } from "node:crypto";
import { requestSigningContent, requestTargetOf } from "@yunlian/protocol";
import { Webhook } from "standardwebhooks";
import { request } from "undici";

export interface SimPostResult {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

/**
 * POSTs JSON the way a vendor cloud calls the hub: PlatID header always, Standard Webhooks
 * signature headers over method, path and body when the platform holds a hub-issued appSecret
 * (docs/design.md §7, security "hmac").
 */
export async function postJson(
  url: string,
  body: unknown,
  opts: {
    headers?: Record<string, string>;
    appSecret?: string;
    timeoutMs?: number;
    /** Not even Content-Type: a request with no header beyond what HTTP itself needs (Host, Content-Length). */
    bare?: boolean;
  },
): Promise<SimPostResult> {
  // A string is JSON text already (e.g. a UserID written as a bare big number).
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    ...(opts.bare ? {} : { "content-type": "application/json;charset=UTF-8" }),
    ...opts.headers,
    ...(opts.appSecret ? requestSignatureHeaders(opts.appSecret, "POST", requestTargetOf(url), text) : {}),
  };
  const res = await request(url, {
    method: "POST",
    headers,
    body: text,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const answer = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { status: res.statusCode, headers: flat, text: answer, json: tryJson(answer) };
}

/**
 * The signature headers of a request to the hub: with a Standard Webhooks library,
 * `sign(id, time, METHOD + " " + target + "\n" + body)` with the platform's appSecret.
 */
export function requestSignatureHeaders(
  appSecret: string,
  method: string,
  target: string,
  body: string,
  id: string = `msg_${randomUUID()}`,
) {
  const timestamp = new Date();
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(appSecret).sign(
      id,
      timestamp,
      requestSigningContent(method, target, body),
    ),
  };
}

/**
 * True when a webhook from the hub (a delivery, a verify call) carries a valid Standard Webhooks
 * signature of its body made with the platform's webhookSecret (stale timestamps: false).
 */
export function verifySignature(
  webhookSecret: string,
  payload: string,
  headers: Record<string, string>,
): boolean {
  try {
    new Webhook(webhookSecret).verify(payload, headers);
    return true;
  } catch {
    return false;
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function retCodeOf(json: unknown): string | undefined {
  if (json === null || typeof json !== "object") return undefined;
  const code = (json as { RetCode?: unknown }).RetCode;
  return typeof code === "string" ? code : undefined;
}
