import type { Database, Delivery, DeliveryAttempt, DeliveryStatus } from "@yunlian/db";
import { deliveries, deliveryAttempts, statusReports } from "@yunlian/db";
import { and, asc, count, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { movedByConcurrentUpdate, retryAfterPartitionMove } from "../sql-exec.ts";
import { type DeliveryNotifier, wakeDelivery } from "../wake.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";

export interface ListDeliveriesInput {
  db: Database;
  platId?: string;
  status?: DeliveryStatus;
  udeviceId?: string;
  /** createdAt >= from */
  from?: Date;
  /** createdAt < to */
  to?: Date;
  /** 1–500. */
  limit: number;
  cursor?: string;
}

export interface DeliveryPage {
  deliveries: Delivery[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super("cursor: not a cursor returned by this API");
  }
}

/** Newest first, keyset-paginated on (createdAt, id) so pages stay stable while rows are added. */
export async function listDeliveries(input: ListDeliveriesInput): Promise<DeliveryPage> {
  const limit = Math.min(Math.max(Math.trunc(input.limit), 1), 500);
  const where: (SQL | undefined)[] = [
    input.platId === undefined ? undefined : eq(deliveries.platId, input.platId),
    input.status === undefined ? undefined : eq(deliveries.status, input.status),
    // Through the reports (deliveries keep no device index of their own: see migrations/0004).
    input.udeviceId === undefined
      ? undefined
      : inArray(
          deliveries.reportId,
          input.db
            .select({ id: statusReports.id })
            .from(statusReports)
            .where(eq(statusReports.udeviceId, input.udeviceId)),
        ),
    input.from === undefined ? undefined : gte(deliveries.createdAt, input.from),
    input.to === undefined ? undefined : lt(deliveries.createdAt, input.to),
  ];
  if (input.cursor !== undefined) {
    const c = decodeCursor(input.cursor);
    if (!c) throw new InvalidCursorError();
    where.push(
      or(
        lt(deliveries.createdAt, c.createdAt),
        and(eq(deliveries.createdAt, c.createdAt), lt(deliveries.id, c.id)),
      ),
    );
  }
  const rows = await input.db
    .select()
    .from(deliveries)
    .where(and(...where))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    deliveries: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

export async function getDelivery(input: {
  db: Database;
  id: string;
}): Promise<{ delivery: Delivery; attempts: DeliveryAttempt[] } | undefined> {
  const [delivery] = await input.db.select().from(deliveries).where(eq(deliveries.id, input.id));
  if (!delivery) return undefined;
  const attempts = await input.db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, input.id))
    // In time order: a replay starts the row's schedule (and its attempt numbers) again, so the
    // stored numbers repeat (1, 2, 3, 1, 2); the time they were made in does not.
    .orderBy(asc(deliveryAttempts.startedAt), asc(deliveryAttempts.id));
  return { delivery, attempts };
}

/** How many attempts were recorded for each of these deliveries, across replays. */
export async function attemptCounts(input: {
  db: Database;
  ids: readonly string[];
}): Promise<Map<string, number>> {
  if (input.ids.length === 0) return new Map();
  const rows = await input.db
    .select({ id: deliveryAttempts.deliveryId, n: count() })
    .from(deliveryAttempts)
    .where(inArray(deliveryAttempts.deliveryId, [...input.ids]))
    .groupBy(deliveryAttempts.deliveryId);
  return new Map(rows.map((r) => [r.id, r.n]));
}

export type ReplayResult =
  | { ok: true }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "not-replayable"; status: DeliveryStatus }
  /** Its status report is past HUB_RETENTION_REPORTS (its partition dropped): nothing to send. */
  | { ok: false; reason: "report-expired" };

const REPLAYABLE: DeliveryStatus[] = ["failed", "dead"];

/**
 * The delivery's status report is still stored. Reports and settled deliveries are kept by
 * separate clocks (HUB_RETENTION_REPORTS, HUB_RETENTION_DELIVERIES), so a dead delivery can outlive
 * its report; replayed, it was open for good with nothing to send (the relay finds a row with its
 * report), and held its report's receiver as a loss. The soak found one (retention 6 minutes each).
 * Found by (id, received_at): only the report's own partition is searched.
 */
const reportKept = sql`exists (select 1 from ${statusReports} r
  where r.id = ${deliveries.reportId} and r.received_at = ${deliveries.createdAt})`;

/** Values that make a failed/dead row a fresh pending one; lastError is kept as history. */
function replayed(now: Date) {
  return {
    status: "pending" as const,
    attempts: 0,
    nextAttemptAt: now,
    enqueuedAt: null,
    updatedAt: now,
    // Open again: a dead row moves back from its day's partition into deliveries_open.
    settledAt: sql`'infinity'`,
  };
}

/** A failed or dead delivery goes back to pending with a fresh schedule (same webhook-id). */
export async function replayDelivery(input: {
  db: Database;
  id: string;
  notifier?: DeliveryNotifier;
}): Promise<ReplayResult> {
  const now = new Date();
  const [row] = await retryAfterPartitionMove(() =>
    input.db
      .update(deliveries)
      .set(replayed(now))
      .where(and(eq(deliveries.id, input.id), inArray(deliveries.status, REPLAYABLE), reportKept))
      .returning({ id: deliveries.id }),
  );
  if (row) {
    await wakeDelivery(input.notifier);
    return { ok: true };
  }
  const [existing] = await input.db
    .select({ status: deliveries.status, reportKept: sql<boolean>`${reportKept}` })
    .from(deliveries)
    .where(eq(deliveries.id, input.id));
  if (!existing) return { ok: false, reason: "not-found" };
  if (REPLAYABLE.includes(existing.status) && !existing.reportKept)
    return { ok: false, reason: "report-expired" };
  return { ok: false, reason: "not-replayable", status: existing.status };
}

/**
 * Bulk replay: every failed/dead delivery of one platform created at or after `since`.
 *
 * In batches, each taking its rows with `FOR UPDATE SKIP LOCKED`: the worker keeps settling the
 * platform's failed rows while a replay runs (the receiver is back), and one statement over all of
 * them used to wait on a row the worker then moved to a settled partition, fail as a whole
 * (SQLSTATE 40001) and start again — every failed run leaving the rows it had already moved as dead
 * tuples (the soak's replay of 6,600 rows grew the database by 250 MB). A row the worker holds is
 * being attempted right now: the replay leaves it to that attempt, as it would after the attempt.
 */
export async function replayDeliveries(input: {
  db: Database;
  platId: string;
  since: Date;
  until?: Date;
  notifier?: DeliveryNotifier;
}): Promise<number> {
  const now = new Date();
  const replayable = and(
    eq(deliveries.platId, input.platId),
    inArray(deliveries.status, REPLAYABLE),
    gte(deliveries.createdAt, input.since),
    input.until === undefined ? undefined : lte(deliveries.createdAt, input.until),
    reportKept,
  );
  // Bounded by what was replayable at the start: a replayed row the receiver refuses again fails
  // again and would otherwise be taken by a later batch, round after round.
  const [counted] = await input.db.select({ n: count() }).from(deliveries).where(replayable);
  let remaining = counted?.n ?? 0;
  let size = REPLAY_BATCH;
  let refusedInARow = 0;
  let total = 0;
  while (remaining > 0) {
    const limit = Math.min(size, remaining);
    const batch = input.db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(replayable)
      .orderBy(asc(deliveries.createdAt), asc(deliveries.id))
      .limit(limit)
      .for("update", { skipLocked: true });
    let rows: { id: string }[];
    try {
      rows = await input.db
        .update(deliveries)
        .set(replayed(now))
        // The batch's rows are locked, re-checked against `replayable` once locked: no second filter.
        .where(inArray(deliveries.id, batch))
        .returning({ id: deliveries.id });
    } catch (err) {
      // A row settled between this statement's snapshot and its lock refuses the whole batch
      // (40001). While the worker settles the platform's rows, a batch of 500 met one five times
      // in a row (the soak's bulk replays that answered 500): each refusal halves the batch, so
      // the next is less likely to meet one, and a success doubles it again (up to REPLAY_BATCH).
      if (!movedByConcurrentUpdate(err) || ++refusedInARow > MAX_REFUSALS_IN_A_ROW) throw err;
      size = Math.max(1, Math.floor(limit / 2));
      continue;
    }
    refusedInARow = 0;
    size = Math.min(REPLAY_BATCH, size * 2);
    total += rows.length;
    remaining -= limit;
    if (rows.length < limit) break;
  }
  if (total > 0) await wakeDelivery(input.notifier);
  return total;
}

/**
 * Refusals in a row before a bulk replay gives up: enough to halve a batch of 500 down to one row
 * (9 halvings) and run that row a few times more. A row refuses only while another statement
 * moves it, so this is never reached in practice; it keeps a bug from looping forever.
 */
const MAX_REFUSALS_IN_A_ROW = 15;

/** Rows per replay statement: small enough that a statement run again rewrites little. */
const REPLAY_BATCH = 500;
