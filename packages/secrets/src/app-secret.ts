import { randomBytes } from "node:crypto";

/**
 * A Standard Webhooks signing secret: "whsec_" + base64 of 24 random bytes (192 bits),
 * the format the standardwebhooks libraries accept directly.
 */
export function newAppSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}
