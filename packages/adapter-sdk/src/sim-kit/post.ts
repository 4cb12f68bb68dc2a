import { randomUUID } from "node:crypto";
import { requestSigningContent, requestTargetOf } from "@yunlian/protocol";
import { Webhook } from "standardwebhooks";
import { request } from "undici";

export interface PostResult {
  status: number;
  text: string;
}

export interface HubLink {
  /** The simulator's PlatID at the hub, sent in the PlatID header. */
  platId: string;
  /** Hub-issued appSecret (`whsec_…`): when set, calls carry Standard Webhooks signature headers. */
  appSecret?: string;
}

/**
 * A call from the native cloud to the hub (report push or user verify): JSON with the PlatID header
 * and, for a platform in hmac mode, `webhook-id` / `webhook-timestamp` / `webhook-signature` over
 * the method, the path and the body (docs/design.md §7).
 */
export async function postToHub(url: string, body: unknown, link: HubLink): Promise<PostResult> {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = {
    "content-type": "application/json;charset=UTF-8",
    PlatID: link.platId,
  };
  if (link.appSecret) {
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    headers["webhook-id"] = id;
    headers["webhook-timestamp"] = String(Math.floor(now.getTime() / 1000));
    headers["webhook-signature"] = new Webhook(link.appSecret).sign(
      id,
      now,
      requestSigningContent("POST", requestTargetOf(url), text),
    );
  }
  const res = await request(url, {
    method: "POST",
    headers,
    body: text,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** The standard's user verify (6.6.1.2): does the hub vouch for this loginID and AuthToken? */
export async function verifyAtHub(verifyUrl: string, loginId: string, authToken: string, link: HubLink) {
  try {
    const res = await postToHub(
      verifyUrl,
      { User: [{ UserBase: { loginID: loginId } }], AuthToken: authToken },
      link,
    );
    return res.status === 200 && (JSON.parse(res.text) as { RetCode?: unknown }).RetCode === "200";
  } catch {
    return false;
  }
}
