import { request } from "undici";
import { type Answer, requestSignature } from "./client.ts";

/**
 * A platform calling its self-service API (/admin/v1/self/…): signed with its appSecret over the
 * method, the path and the body, or, for a platform in mode none, with its PlatID and AppID only.
 */
export function selfClient(hubUrl: string, creds: { platId: string; appId?: string; appSecret?: string }) {
  return async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    const target = `/admin/v1/self${path}`;
    const res = await request(`${hubUrl}${target}`, {
      method,
      headers: {
        "content-type": "application/json",
        PlatID: creds.platId,
        ...(creds.appId ? { AppID: creds.appId } : {}),
        ...(creds.appSecret ? requestSignature(creds.appSecret, method, target, text) : {}),
        ...extra,
      },
      body: text === "" ? undefined : text,
    });
    const raw = await res.body.text();
    const answer: Answer = {
      status: res.statusCode,
      headers: {},
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
    };
    return answer;
  };
}
