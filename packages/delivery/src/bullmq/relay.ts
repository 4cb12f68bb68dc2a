import type { Database } from "@yunlian/db";
import { deliveries, deliveryIsOpen, platforms, statusReports } from "@yunlian/db";
import type { Queue } from "bullmq";
import { and, count, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { textArrayLiteral } from "../attempt/store.ts";
import type { DeliverJobData, PreparedAttempt } from "../jobs.ts";
import { deliverJobFor, type PlatformDeliveryColumns, secretsOf } from "../prepared.ts";
import { reportBody } from "../report.ts";
import { inTransaction, retryAfterPartitionMove } from "../sql-exec.ts";
import { withTimeout } from "../with-timeout.ts";
import { addByPlatform, type DeliveryQueues, queuesOf } from "./shards.ts";

export interface RelayOptions {
  db: Database;
  /** One queue, or the shards (each row goes to its receiving platform's shard). */
  queue: Queue<DeliverJobData> | DeliveryQueues;
  batchSize: number;
  /** Rows due within this window are queued now as delayed jobs, so retries need no further relay pass. */
  lookaheadMs: number;
  /** Redis may be down: give up on this batch (rows stay un-enqueued) rather than hold row locks. */
  addTimeoutMs: number;
  /**
   * Only these rows (the ids an ingest NOTIFY named), found by primary key; the others are left to
   * a full pass. Without it, the pass scans for every due, unqueued row.
   */
  ids?: readonly string[];
  /**
   * With `ids`: rows queued this way are not marked `enqueued_at` (one row write less per
   * delivery). A scan leaves rows younger than `hintedMs` to that path and takes (and marks) older
   * open ones, so a row whose NOTIFY was lost, or whose pass failed, waits at most that long.
   */
  hintedMs?: number;
}

/**
 * Moves one batch of outbox rows into BullMQ. Rows are locked FOR UPDATE SKIP LOCKED, so several
 * relays (one per worker process) share the outbox without queueing a row twice; the job id is the
 * delivery id, so a duplicate `add` (e.g. after a commit that failed) is a no-op in Redis. Each
 * job carries its first attempt's request (see PreparedAttempt), read here for the whole batch.
 */
export async function relayOnce(opts: RelayOptions): Promise<number> {
  const now = Date.now();
  const queues = queuesOf(opts.queue);
  const replayed: RelayRow[] = [];
  const dueBy = new Date(now + opts.lookaheadMs).toISOString();
  // SKIP LOCKED skips a row a worker holds, but not one the worker settled (moving it to another
  // partition) between this statement's snapshot and its lock: 40001. The pass runs again rather
  // than fail, which left a hinted batch to the scans, PREPARED_MAX_AGE_MS later (seen after a
  // Redis failover, when the worker settles rows fastest). Nothing is added before the select.
  const count = await retryAfterPartitionMove(() =>
    inTransaction(opts.db, async (run) => {
      replayed.length = 0;
      const rows = (await run(
        opts.ids
          ? sql`${selectRows}
           where d.id = any(${textArrayLiteral(opts.ids)}::text[])
             -- open, written so that only the primary key serves this lookup (see recordAttempts)
             and d.settled_at = 'infinity' and d.status <> 'delivered' and d.status <> 'dead' and d.enqueued_at is null
             and d.next_attempt_at <= ${dueBy}::timestamptz
           order by d.next_attempt_at
           limit ${opts.batchSize}::int
             for update of d skip locked`
          : sql`${selectRows}
           where d.settled_at = 'infinity' and d.status in ('pending', 'failed') and d.enqueued_at is null
             and d.next_attempt_at <= ${dueBy}::timestamptz
             and d.created_at <= ${new Date(now - (opts.hintedMs ?? 0)).toISOString()}::timestamptz
           order by d.next_attempt_at
           limit ${opts.batchSize}::int
             for update of d skip locked`,
      )) as RelayRow[];
      if (rows.length === 0) return 0;
      const add = addByPlatform(
        queues,
        rows,
        (r) => r.plat_id,
        (r) => {
          const dueAt = new Date(r.next_attempt_at).getTime();
          return deliverJobFor(r.id, prepare(r, dueAt), dueAt, now);
        },
      );
      // The row locks are held until the add is done: a job cannot record (hence finish and be
      // removed) meanwhile, so an add for a row already queued always finds its job and is a no-op.
      await withTimeout(add, opts.addTimeoutMs, "BullMQ addBulk");
      if (!(opts.ids && opts.hintedMs !== undefined)) {
        await run(sql`
        update ${deliveries} set enqueued_at = ${new Date(now).toISOString()}::timestamptz
         where id = any(${textArrayLiteral(rows.map((r) => r.id))}::text[]) and settled_at = 'infinity'`);
      }
      // A replayed row (attempts reset, an error on record) may still have its old delayed job in
      // Redis, which the add above left untouched: promote that job so the replay runs now.
      for (const r of rows) if (Number(r.attempts) === 0 && r.last_error !== null) replayed.push(r);
      return rows.length;
    }),
  );
  for (const r of replayed) {
    const job = await queues.forPlatform(r.plat_id).getJob(r.id);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }
  return count;
}

const selectRows = sql`
  select d.id, d.attempts, d.next_attempt_at, d.last_error, d.plat_id, d.udevice_id,
         r.data_type, r.device_status, r.reported_at, r.received_at, r.request_id, r.source,
         p.data_gateway_url, p.data_gateway_disabled_at, p.webhook_secret_ciphertext, p.webhook_secret_key_id,
         p.previous_webhook_secret_ciphertext, p.previous_webhook_secret_key_id,
         p.previous_webhook_secret_expires_at, p.sandbox
    from ${deliveries} d
    -- received_at = created_at: PostgreSQL searches only the report's own partition (schema/deliveries.ts).
    join ${statusReports} r on r.id = d.report_id and r.received_at = d.created_at
    join ${platforms} p on p.plat_id = d.plat_id`;

/** One outbox row as the relay reads it (snake_case, as the driver hands it back). */
interface RelayRow extends PlatformDeliveryColumns {
  id: string;
  attempts: number | string;
  next_attempt_at: Date | string;
  last_error: string | null;
  udevice_id: string;
  data_type: string;
  device_status: Record<string, unknown> | string;
  reported_at: Date | string | null;
  received_at: Date | string;
  request_id: string | null;
  source: string | null;
  data_gateway_disabled_at: Date | string | null;
}

/**
 * The first attempt's request, ready to send (see PreparedAttempt); none when the platform cannot
 * receive (no URL, disabled), which the worker's ordinary path turns into a dead row.
 */
function prepare(r: RelayRow, dueAt: number): PreparedAttempt | undefined {
  if (!r.data_gateway_url || r.data_gateway_disabled_at !== null) return undefined;
  // No webhookSecret yet: the worker's claiming path decides (it waits for one).
  const secrets = secretsOf(r);
  if (!secrets) return undefined;
  const deviceStatus = typeof r.device_status === "string" ? JSON.parse(r.device_status) : r.device_status;
  return {
    attempt: Number(r.attempts) + 1,
    dueAt,
    preparedAt: Date.now(),
    platId: r.plat_id,
    url: r.data_gateway_url,
    body: reportBody({
      udeviceId: r.udevice_id,
      dataType: r.data_type,
      deviceStatus,
      timestamp: String(new Date(r.reported_at ?? r.received_at).getTime()),
      source: r.source,
    }),
    requestId: r.request_id,
    secrets,
    ...(r.sandbox ? { sandbox: true } : {}),
  };
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
          deliveryIsOpen,
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
        and(
          inArray(
            deliveries.id,
            rows.map((r) => r.id),
          ),
          deliveryIsOpen,
        ),
      );
    return rows.length;
  });
}

/**
 * Hands every open row queued before this call back to the relay (clears enqueuedAt): what the
 * sweeper does after its grace period, done at once when Redis is known to have lost its jobs (see
 * RedisLossWatch). Returns the rows handed back.
 *
 * In batches taken `FOR UPDATE SKIP LOCKED`, as the bulk replay (admin/deliveries.ts), for the same
 * reason: this runs right after a failover, while the worker settles rows as fast as it can, and
 * one statement over every open row waited on a row the worker then moved to a settled partition
 * and failed as a whole (SQLSTATE 40001) — in CI it failed four passes in a row, and the jobs the
 * old master took with it waited 5 s for a pass that got through. A row skipped is held by an
 * attempt being recorded: once released it is settled, or still open and taken by a later round;
 * rows held longer than `heldWaitMs` are left to the sweeper.
 */
export async function requeueAllOpen(opts: {
  db: Database;
  batchSize: number;
  heldWaitMs?: number;
}): Promise<number> {
  const { db, batchSize } = opts;
  const started = Date.now();
  // Queued before this call (lt excludes null): a row the relay queues meanwhile has its new job.
  const queuedBefore = and(deliveryIsOpen, lt(deliveries.enqueuedAt, new Date(started)));
  let total = 0;
  for (;;) {
    const batch = db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(queuedBefore)
      .limit(batchSize)
      .for("update", { skipLocked: true });
    // A row settled between the batch's snapshot and its lock still refuses it (40001): run again.
    const rows = await retryAfterPartitionMove(() =>
      db
        .update(deliveries)
        .set({ enqueuedAt: null })
        // deliveryIsOpen: only the open rows' partition is searched (schema/deliveries.ts).
        .where(and(deliveryIsOpen, inArray(deliveries.id, batch)))
        .returning({ id: deliveries.id }),
    );
    total += rows.length;
    if (rows.length === batchSize) continue;
    // Less than a batch: every row not held was taken. Any left are held by attempts right now.
    const [left] = await db.select({ n: count() }).from(deliveries).where(queuedBefore);
    if (!left?.n || Date.now() - started >= (opts.heldWaitMs ?? 2_000)) return total;
    await new Promise((resolve) => setTimeout(resolve, HELD_ROW_PAUSE_MS));
  }
}

/** How long a re-queue waits before it looks again at rows an attempt was recording. */
const HELD_ROW_PAUSE_MS = 20;
