import { z } from "zod";

/**
 * The typed job catalog: one job, its payload schema and its queue options in one place; the
 * handler lives in bullmq/worker.ts. BullMQ's own attempts only cover infrastructure errors (the
 * database unreachable mid-job); the delivery schedule itself is kept on the Postgres row.
 */
export const deliverJob = {
  name: "deliver",
  payload: z.object({ deliveryId: z.string().startsWith("msg_") }),
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
