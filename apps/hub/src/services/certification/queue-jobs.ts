import { openRedis } from "@yunlian/delivery";
import { Queue, Worker } from "bullmq";
import type { Logger } from "pino";
import { inProcessJobs, type RunJob, type RunJobs } from "./execute-run.ts";

/** The queue's name under the hub's queue prefix (HUB_QUEUE_PREFIX), beside the delivery queues. */
const QUEUE_NAME = "certification";

/** Runs one hub process carries out at once; the rest wait in the queue for any hub process. */
const CONCURRENCY = 2;

/**
 * Certification runs as BullMQ jobs (REDIS_URL): any hub process picks a run up, so runs spread over
 * the instances and a busy instance does not hold them. They run in hub processes, not in
 * apps/worker, because a vendor run calls the cloud through the hub's adapters and sessions, as
 * reconciliation does. The run's row in PostgreSQL stays the record; a job lost with Redis leaves a
 * queued row that the next start after the time limit ends as "error" (start-run.ts). A job that
 * stalls is not retried: a second attempt would exercise the cloud twice.
 */
export function queueJobs(
  opts: { redisUrl: string; prefix: string; log: Logger },
  execute: (job: RunJob) => Promise<void>,
): RunJobs {
  const queueConn = openRedis(opts.redisUrl, "queue");
  const workerConn = openRedis(opts.redisUrl, "worker");
  const queue = new Queue<RunJob>(QUEUE_NAME, { connection: queueConn, prefix: opts.prefix });
  const worker = new Worker<RunJob>(QUEUE_NAME, (job) => execute(job.data), {
    connection: workerConn,
    prefix: opts.prefix,
    concurrency: CONCURRENCY,
    maxStalledCount: 0,
  });
  worker.on("error", (err) => opts.log.warn({ err }, "certification queue worker error"));
  // Redis away when a run starts: the run goes on in this process rather than failing to start.
  const fallback = inProcessJobs(execute);
  return {
    mode: "bullmq",
    async schedule(job) {
      try {
        await queue.add("run", job, {
          jobId: job.runId,
          attempts: 1,
          // The row in PostgreSQL keeps the outcome; the job (which may carry an app's test AuthTokens) goes.
          removeOnComplete: true,
          removeOnFail: true,
        });
      } catch (err) {
        opts.log.warn(
          { err, runId: job.runId },
          "certification run not queued (Redis): running it in this process",
        );
        await fallback.schedule(job);
      }
    },
    async close() {
      await fallback.close();
      await worker.close();
      await queue.close();
      queueConn.disconnect();
      workerConn.disconnect();
    },
  };
}
