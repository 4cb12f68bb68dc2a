import { z } from "zod";

/** A platform secret as stored (encrypted); `until` (epoch ms) marks a previous secret's grace end. */
const secretRef = z.object({ ciphertext: z.string(), keyId: z.string(), until: z.number().optional() });

/**
 * What a first attempt needs, read by the relay when it queues the row (one batched read for many
 * rows), so the worker can send at once instead of reading the row first. `attempt` is the
 * attempt it will be (the row's `attempts` + 1); the record of it only applies while the row
 * still has `attempt - 1` attempts, so a stale one can never settle a row twice.
 */
const preparedAttempt = z.object({
  attempt: z.number().int().positive(),
  /** Epoch ms the row was due at when queued. */
  dueAt: z.number(),
  /** Epoch ms the relay read it: an old copy is not used (see attemptDelivery). */
  preparedAt: z.number(),
  platId: z.string(),
  url: z.string(),
  body: z.string(),
  requestId: z.string().nullable(),
  secrets: z.array(secretRef).min(1),
  /** The receiver is a sandbox platform: the request carries `Yunlian-Sandbox: 1`. */
  sandbox: z.boolean().optional(),
});

export type PreparedAttempt = z.infer<typeof preparedAttempt>;

/**
 * The typed job catalog: one job, its payload schema and its queue options in one place; the
 * handler lives in bullmq/worker.ts. BullMQ's own attempts only cover infrastructure errors (the
 * database unreachable mid-job); the delivery schedule itself is kept on the Postgres row.
 */
export const deliverJob = {
  name: "deliver",
  payload: z.object({ deliveryId: z.string().startsWith("msg_"), prepared: preparedAttempt.optional() }),
  options: {
    removeOnComplete: true,
    removeOnFail: true,
    attempts: 5,
    backoff: { type: "exponential", delay: 1_000 },
  },
} as const;

export type DeliverJobData = z.infer<typeof deliverJob.payload>;

/**
 * Keys become "{yunlian}:deliveries:…": the braces are a Redis Cluster hash tag, so every key of
 * the queue lands in one slot, as BullMQ's multi-key scripts require.
 */
export const DEFAULT_QUEUE_PREFIX = "{yunlian}";
export const DEFAULT_QUEUE_NAME = "deliveries";
