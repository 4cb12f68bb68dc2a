import { DelayedError, type Job, Worker } from "bullmq";
import { attemptDelivery } from "../attempt/attempt.ts";
import type { DeliveryContext } from "../attempt/context.ts";
import { type DeliverJobData, deliverJob } from "../jobs.ts";
import type { RedisConnection } from "./redis.ts";

export interface DeliveryWorkerOptions {
  ctx: DeliveryContext;
  connection: RedisConnection;
  prefix: string;
  queueName: string;
  concurrency: number;
  /** Must exceed the delivery timeout, or BullMQ would hand a running attempt to another worker. */
  lockDuration: number;
  stalledInterval: number;
}

/** The job handler: one attempt; any later attempt goes back to Redis as this same job, delayed. */
export function createDeliveryWorker(opts: DeliveryWorkerOptions): Worker<DeliverJobData> {
  const { ctx } = opts;
  if (ctx.config.timeoutMs >= opts.lockDuration) {
    throw new Error(
      `delivery timeout (${ctx.config.timeoutMs} ms) must be below the job lock duration (${opts.lockDuration} ms)`,
    );
  }
  const handler = async (job: Job<DeliverJobData>, token?: string) => {
    const { deliveryId, prepared } = deliverJob.payload.parse(job.data);
    // The prepared request is for the job's first run only: a run after a retry, a postponement or
    // a stall (its worker died or lost the lock mid-attempt) claims the row and reads it afresh.
    const firstRun = job.attemptsStarted <= 1 && job.stalledCounter === 0 && job.attemptsMade === 0;
    const outcome = await attemptDelivery(ctx, deliveryId, firstRun ? prepared : undefined);
    if (outcome.kind === "retry" || outcome.kind === "postponed" || outcome.kind === "not-due") {
      // Same job id, same webhook-id: the job waits in Redis's delayed set until the row is due.
      await job.moveToDelayed(outcome.at.getTime(), token);
      throw new DelayedError();
    }
    return outcome.kind;
  };
  const worker = new Worker<DeliverJobData>(opts.queueName, handler, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDuration,
    stalledInterval: opts.stalledInterval,
    // A killed worker's jobs come back after their lock expires; the row's lease keeps them from
    // running twice, so being generous here is safe (the sweeper is the last resort anyway).
    maxStalledCount: 10,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  });
  worker.on("failed", (job, err) => {
    ctx.log.error({ deliveryId: job?.id, err: err.message }, "delivery job failed (infrastructure error)");
  });
  worker.on("error", (err) => ctx.log.error({ err: err.message }, "BullMQ worker error"));
  return worker;
}
