import type { Database, DeliveryStatus } from "@yunlian/db";
import { deliveries } from "@yunlian/db";
import type { Queue } from "bullmq";
import { and, asc, inArray, isNotNull, isNull, lt, lte } from "drizzle-orm";
import { type DeliverJobData, deliverJob } from "../jobs.ts";

const OPEN: DeliveryStatus[] = ["pending", "failed"];

export interface RelayOptions {
  db: Database;
  queue: Queue<DeliverJobData>;
  batchSize: number;
  /** Rows due within this window are queued now as delayed jobs, so retries need no further relay pass. */
  lookaheadMs: number;
  /** Redis may be down: give up on this batch (rows stay un-enqueued) rather than hold row locks. */
  addTimeoutMs: number;
}

/**
 * Moves one batch of outbox rows into BullMQ. Rows are locked FOR UPDATE SKIP LOCKED, so several
 * relays (one per worker process) share the outbox without queueing a row twice; the job id is the
 * delivery id, so a duplicate `add` (e.g. after a commit that failed) is a no-op in Redis.
 */
export async function relayOnce(opts: RelayOptions): Promise<number> {
  const now = Date.now();
  const replayed: string[] = [];
  const count = await opts.db.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: deliveries.id,
        nextAttemptAt: deliveries.nextAttemptAt,
        attempts: deliveries.attempts,
        lastError: deliveries.lastError,
      })
      .from(deliveries)
      .where(
        and(
          inArray(deliveries.status, OPEN),
          isNull(deliveries.enqueuedAt),
          lte(deliveries.nextAttemptAt, new Date(now + opts.lookaheadMs)),
        ),
      )
      .orderBy(asc(deliveries.nextAttemptAt))
      .limit(opts.batchSize)
      .for("update", { skipLocked: true });
    if (rows.length === 0) return 0;
    const jobs = rows.map((r) => ({
      name: deliverJob.name,
      data: { deliveryId: r.id },
      opts: { ...deliverJob.options, jobId: r.id, delay: Math.max(0, r.nextAttemptAt.getTime() - now) },
    }));
    await withTimeout(opts.queue.addBulk(jobs), opts.addTimeoutMs, "BullMQ addBulk");
    await tx
      .update(deliveries)
      .set({ enqueuedAt: new Date(now) })
      .where(
        inArray(
          deliveries.id,
          rows.map((r) => r.id),
        ),
      );
    // A replayed row (attempts reset, an error on record) may still have its old delayed job in
    // Redis, which the add above left untouched: promote that job so the replay runs now.
    for (const r of rows) if (r.attempts === 0 && r.lastError !== null) replayed.push(r.id);
    return rows.length;
  });
  for (const id of replayed) {
    const job = await opts.queue.getJob(id);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }
  return count;
}

export interface SweepOptions {
  db: Database;
  /** A row this overdue, queued this long ago, has lost its job (crash, Redis restart, removed job). */
  graceMs: number;
  batchSize: number;
}

/** Hands rows whose job went missing back to the relay (by clearing enqueuedAt). */
export async function sweepOnce(opts: SweepOptions): Promise<number> {
  const cutoff = new Date(Date.now() - opts.graceMs);
  return opts.db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(
        and(
          inArray(deliveries.status, OPEN),
          isNotNull(deliveries.enqueuedAt),
          lt(deliveries.enqueuedAt, cutoff),
          lt(deliveries.nextAttemptAt, cutoff),
        ),
      )
      .limit(opts.batchSize)
      .for("update", { skipLocked: true });
    if (rows.length === 0) return 0;
    await tx
      .update(deliveries)
      .set({ enqueuedAt: null })
      .where(
        inArray(
          deliveries.id,
          rows.map((r) => r.id),
        ),
      );
    return rows.length;
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // The loser of the race may still reject later; that is expected, not an unhandled error.
  p.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
