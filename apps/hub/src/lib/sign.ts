import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";

/**
 * Standard Webhooks headers for a request the hub sends to a platform (docs/design.md §7): the same
 * scheme the platform uses to sign its requests to the hub, with its hub-issued appSecret.
 * With several secrets (rotation grace) every signature is sent, space separated.
 */
export function signedHeaders(secrets: readonly string[], body: string, id = `msg_${randomUUID()}`) {
  const now = new Date();
  const signatures = secrets.map((s) => new Webhook(s).sign(id, now, body));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
