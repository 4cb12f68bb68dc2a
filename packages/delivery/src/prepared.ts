import { type DeliverJobData, deliverJob, type PreparedAttempt } from "./jobs.ts";

/** A platform's delivery columns as a row hands them back (snake_case; dates as Date or text). */
export interface PlatformDeliveryColumns {
  plat_id: string;
  data_gateway_url: string | null;
  webhook_secret_ciphertext: string | null;
  webhook_secret_key_id: string | null;
  previous_webhook_secret_ciphertext: string | null;
  previous_webhook_secret_key_id: string | null;
  previous_webhook_secret_expires_at: Date | string | null;
  /** A sandbox platform: what it receives carries the `Yunlian-Sandbox: 1` header. */
  sandbox: boolean;
}

/**
 * A platform's webhook signing secrets: the current webhookSecret, then a previous one still in
 * its grace period. Undefined for a row that has no webhookSecret yet (written before migration
 * 0005, until a hub loads it and fills it in): such a delivery waits, it is never signed with
 * anything else (docs/design.md §7).
 */
export function signingSecrets(
  ciphertext: string | null,
  keyId: string | null,
  previous: { ciphertext: string | null; keyId: string | null; expiresAt: Date | string | null },
): PreparedAttempt["secrets"] | undefined {
  if (!ciphertext || !keyId) return undefined;
  const secrets: PreparedAttempt["secrets"] = [{ ciphertext, keyId }];
  if (previous.ciphertext && previous.keyId && previous.expiresAt) {
    secrets.push({
      ciphertext: previous.ciphertext,
      keyId: previous.keyId,
      until: new Date(previous.expiresAt).getTime(),
    });
  }
  return secrets;
}

/** signingSecrets of a platform row as a raw statement hands it back. */
export function secretsOf(p: PlatformDeliveryColumns): PreparedAttempt["secrets"] | undefined {
  return signingSecrets(p.webhook_secret_ciphertext, p.webhook_secret_key_id, {
    ciphertext: p.previous_webhook_secret_ciphertext,
    keyId: p.previous_webhook_secret_key_id,
    expiresAt: p.previous_webhook_secret_expires_at,
  });
}

/** One BullMQ job for a delivery: job id = delivery id, so adding the same row twice is a no-op. */
export function deliverJobFor(
  deliveryId: string,
  prepared: PreparedAttempt | undefined,
  dueAt: number,
  now: number,
) {
  const data: DeliverJobData = prepared ? { deliveryId, prepared } : { deliveryId };
  return {
    name: deliverJob.name,
    data,
    opts: { ...deliverJob.options, jobId: deliveryId, delay: Math.max(0, dueAt - now) },
  };
}
