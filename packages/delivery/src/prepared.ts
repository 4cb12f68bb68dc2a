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

/** The signing secrets of a platform row: the current one, then a previous one still in its grace period. */
export function secretsOf(p: PlatformDeliveryColumns): PreparedAttempt["secrets"] {
  const secrets: PreparedAttempt["secrets"] = [{ ciphertext: p.secret_ciphertext, keyId: p.secret_key_id }];
  if (p.previous_secret_ciphertext && p.previous_secret_key_id && p.previous_secret_expires_at) {
    secrets.push({
      ciphertext: p.previous_secret_ciphertext,
      keyId: p.previous_secret_key_id,
      until: new Date(p.previous_secret_expires_at).getTime(),
    });
  }
  return secrets;
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
