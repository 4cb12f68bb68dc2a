import { type DeliverJobData, deliverJob, type PreparedAttempt } from "./jobs.ts";

/** A platform's delivery columns as a row hands them back (snake_case; dates as Date or text). */
export interface PlatformDeliveryColumns {
  plat_id: string;
  data_gateway_url: string | null;
  secret_ciphertext: string;
  secret_key_id: string;
  previous_secret_ciphertext: string | null;
  previous_secret_key_id: string | null;
  previous_secret_expires_at: Date | string | null;
}

/** A platform's signing secrets: the current one, then a previous one still in its grace period. */
export function signingSecrets(
  ciphertext: string,
  keyId: string,
  previous: { ciphertext: string | null; keyId: string | null; expiresAt: Date | string | null },
): PreparedAttempt["secrets"] {
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
export function secretsOf(p: PlatformDeliveryColumns): PreparedAttempt["secrets"] {
  return signingSecrets(p.secret_ciphertext, p.secret_key_id, {
    ciphertext: p.previous_secret_ciphertext,
    keyId: p.previous_secret_key_id,
    expiresAt: p.previous_secret_expires_at,
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
