import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";

/**
 * Standard Webhooks headers for something the hub sends to a platform (a verify call;
 * deliveries sign in packages/delivery the same way): payload = the body, key = the platform's
 * webhookSecret (docs/design.md §7), never its appSecret. With two secrets (rotation grace) both
 * signatures are sent, space separated.
 */
export function signedHeaders(
  webhookSecrets: readonly string[],
  body: string,
  id = `msg_${randomUUID()}`,
  at = new Date(),
) {
  const signatures = webhookSecrets.map((s) => new Webhook(s).sign(id, at, body));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
