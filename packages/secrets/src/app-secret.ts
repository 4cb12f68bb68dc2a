import { randomBytes } from "node:crypto";

/**
 * A Standard Webhooks signing secret: "whsec_" + base64 of 24 random bytes (192 bits),
 * the format the standardwebhooks libraries accept directly. The platform signs its requests to
 * the hub with it (docs/design.md §7).
 */
export function newAppSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/**
 * The secret the hub signs what it sends to a platform with (deliveries, verify calls):
 * "whsec_" + base64 of 32 random bytes, as docs/design.md §7 fixes it. A second secret, so that
 * nothing the hub sends can be replayed to the hub as the platform's own request.
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}
