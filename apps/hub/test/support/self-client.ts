import { Webhook } from "standardwebhooks";
import { request } from "undici";
import type { Answer } from "./client.ts";

/** A platform calling its self-service API (/admin/v1/self/…), signed with its appSecret. */
export function selfClient(hubUrl: string, creds: { platId: string; appSecret: string }) {
  return async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    const id = `msg_${Math.random().toString(36).slice(2)}`;
    const now = new Date();
    const res = await request(`${hubUrl}/admin/v1/self${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        PlatID: creds.platId,
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": new Webhook(creds.appSecret).sign(id, now, text),
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
