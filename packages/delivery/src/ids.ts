import { randomBytes } from "node:crypto";

/**
 * Delivery id = the Standard Webhooks `webhook-id`: "msg_" + 10 base-36 digits of epoch ms (so ids
 * sort roughly by creation) + 16 hex chars of randomness (so two hub instances never collide).
 */
export function newDeliveryId(now = Date.now()): string {
  return `msg_${now.toString(36).padStart(10, "0")}${randomBytes(8).toString("hex")}`;
}
