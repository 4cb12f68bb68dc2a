import type { Database, DeliveryStatus } from "@yunlian/db";
import { deliveries, deliveryAttempts, platforms, statusReports } from "@yunlian/db";
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm";

const OPEN: DeliveryStatus[] = ["pending", "failed"];

const targetColumns = {
  id: deliveries.id,
  status: deliveries.status,
  attempts: deliveries.attempts,
  nextAttemptAt: deliveries.nextAttemptAt,
  platId: deliveries.platId,
  udeviceId: deliveries.udeviceId,
  dataType: statusReports.dataType,
  deviceStatus: statusReports.deviceStatus,
  reportedAt: statusReports.reportedAt,
  receivedAt: statusReports.receivedAt,
  requestId: statusReports.requestId,
  dataGatewayUrl: platforms.dataGatewayUrl,
  dataGatewayDisabledAt: platforms.dataGatewayDisabledAt,
  secretCiphertext: platforms.secretCiphertext,
  secretKeyId: platforms.secretKeyId,
  previousSecretCiphertext: platforms.previousSecretCiphertext,
  previousSecretKeyId: platforms.previousSecretKeyId,
  previousSecretExpiresAt: platforms.previousSecretExpiresAt,
};

/**
 * Takes the row for one attempt and reads everything the attempt needs, in one statement: bumps
 * `attempts` and pushes nextAttemptAt to the lease end, only if the row is open and due. Round
 * trips are what a delivery costs, so the common path has two: this one and recordAttempt.
 */
export async function claimAndLoad(db: Database, id: string, now: Date, leaseUntil: Date) {
  const [row] = await db
    .update(deliveries)
    .set({ attempts: sql`${deliveries.attempts} + 1`, nextAttemptAt: leaseUntil, updatedAt: now })
    .from(statusReports)
    // The target table cannot appear in a join's ON clause in UPDATE … FROM: join on true, filter below.
    .innerJoin(platforms, sql`true`)
    .where(
      and(
        eq(deliveries.id, id),
        eq(statusReports.id, deliveries.reportId),
        eq(platforms.platId, deliveries.platId),
        inArray(deliveries.status, OPEN),
        lte(deliveries.nextAttemptAt, now),
      ),
    )
    .returning(targetColumns);
  return row;
}

export type AttemptTarget = NonNullable<Awaited<ReturnType<typeof claimAndLoad>>>;

/** Why a claim found nothing: the row's state, or undefined when it does not exist. */
export async function peekState(db: Database, id: string) {
  const [row] = await db
    .select({ status: deliveries.status, nextAttemptAt: deliveries.nextAttemptAt })
    .from(deliveries)
    .where(eq(deliveries.id, id));
  return row;
}

/** Gives back a claim that sent nothing (breaker open, endpoint busy): no attempt is counted. */
export async function unclaim(db: Database, id: string, claimedAttempts: number, at: Date): Promise<void> {
  await db
    .update(deliveries)
    .set({ attempts: claimedAttempts - 1, nextAttemptAt: at, updatedAt: new Date() })
    .where(
      and(eq(deliveries.id, id), inArray(deliveries.status, OPEN), eq(deliveries.attempts, claimedAttempts)),
    );
}

/** Ends an open delivery without an HTTP attempt (e.g. the platform's dataGateway is disabled). */
export async function killWithoutAttempt(db: Database, id: string, claimedAttempts: number, error: string) {
  await db
    .update(deliveries)
    .set({ status: "dead", attempts: claimedAttempts - 1, lastError: error, updatedAt: new Date() })
    .where(
      and(eq(deliveries.id, id), inArray(deliveries.status, OPEN), eq(deliveries.attempts, claimedAttempts)),
    );
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  httpStatus: number | null;
  retCode: string | null;
  error: string | null;
}

export interface RowUpdate {
  status: DeliveryStatus;
  nextAttemptAt: Date;
  lastError: string | null;
  lastHttpStatus: number | null;
  deliveredAt: Date | null;
}

/**
 * Writes the attempt's record and the row's new state together. The row update only applies while
 * we still own the attempt (attempts unchanged, still open); the record is kept either way, since
 * the request did happen. Returns whether the row was updated.
 */
export async function recordAttempt(db: Database, rec: AttemptRecord, update: RowUpdate): Promise<boolean> {
  // One statement (a data-modifying CTE) is one implicit transaction and one round trip.
  const res = await db.execute(sql`
    with attempt as (
      insert into ${deliveryAttempts} (delivery_id, attempt, started_at, duration_ms, http_status, ret_code, error)
      values (${rec.deliveryId}, ${rec.attempt}, ${rec.startedAt.toISOString()}, ${rec.durationMs},
              ${rec.httpStatus}, ${rec.retCode}, ${rec.error})
    )
    update ${deliveries}
       set status = ${update.status}, next_attempt_at = ${update.nextAttemptAt.toISOString()},
           last_error = ${update.lastError}, last_http_status = ${update.lastHttpStatus},
           delivered_at = ${update.deliveredAt?.toISOString() ?? null}, updated_at = now()
     where id = ${rec.deliveryId} and status in ('pending', 'failed') and attempts = ${rec.attempt}
    returning id`);
  return rowsOf(res).length > 0;
}

/** postgres.js returns the rows as an array, PGlite as `{ rows }`. */
function rowsOf(res: unknown): unknown[] {
  if (Array.isArray(res)) return res;
  const rows = (res as { rows?: unknown }).rows;
  return Array.isArray(rows) ? rows : [];
}

/** HTTP 410 Gone: stop delivering to this platform until an operator clears the flag. */
export async function disableGateway(db: Database, platId: string, now: Date): Promise<void> {
  await db
    .update(platforms)
    .set({ dataGatewayDisabledAt: now })
    .where(and(eq(platforms.platId, platId), isNull(platforms.dataGatewayDisabledAt)));
}
