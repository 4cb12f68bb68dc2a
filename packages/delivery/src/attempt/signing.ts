import { Webhook } from "standardwebhooks";

const cache = new Map<string, Webhook>();

function webhookFor(secret: string): Webhook {
  let wh = cache.get(secret);
  if (!wh) {
    // Bounded: one entry per live platform secret; a rotation storm just rebuilds the map.
    if (cache.size > 10_000) cache.clear();
    wh = new Webhook(secret);
    cache.set(secret, wh);
  }
  return wh;
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
    headers["webhook-signature"] = secrets.map((s) => webhookFor(s).sign(id, at, body)).join(" ");
  }
  return headers;
}
