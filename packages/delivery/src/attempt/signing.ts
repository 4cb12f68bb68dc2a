import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { Webhook } from "standardwebhooks";

const keys = new Map<string, KeyObject>();

/**
 * The HMAC key of a `whsec_…` secret. The secret is checked once by the standardwebhooks library
 * (which throws on an empty or malformed one); signing itself uses node:crypto, whose native HMAC
 * costs a fraction of the library's pure-JS SHA-256 on every attempt.
 */
function keyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    new Webhook(secret); // validation only
    // Bounded: one entry per live platform secret; a rotation storm just rebuilds the map.
    if (keys.size > 10_000) keys.clear();
    key = createSecretKey(Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64"));
    keys.set(secret, key);
  }
  return key;
}

/** `v1,<base64 HMAC-SHA256(key, id.timestamp.body)>`, exactly what standardwebhooks' `sign` returns. */
export function signWebhook(secret: string, id: string, at: Date, body: string): string {
  const mac = createHmac("sha256", keyFor(secret))
    .update(`${id}.${Math.floor(at.getTime() / 1000)}.${body}`, "utf8")
    .digest("base64");
  return `v1,${mac}`;
}

/**
 * Standard Webhooks headers. With a previous secret still in its grace period the signature
 * header carries both `v1,…` values (space-separated), so a receiver that has not yet switched
 * to the rotated secret keeps verifying.
 */
export function webhookHeaders(
  id: string,
  at: Date,
  body: string,
  secrets: readonly string[],
): Record<string, string> {
  const headers: Record<string, string> = {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
  };
  if (secrets.length > 0) {
    headers["webhook-signature"] = secrets.map((s) => signWebhook(s, id, at, body)).join(" ");
  }
  return headers;
}
