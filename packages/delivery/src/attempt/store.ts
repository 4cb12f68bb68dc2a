import type { Database, DeliveryStatus } from "@yunlian/db";
import { deliveries, deliveryAttempts, platforms, statusReports } from "@yunlian/db";
import { and, eq, inArray, isNull, lte } from "drizzle-orm";

const OPEN: DeliveryStatus[] = ["pending", "failed"];

/** Everything one attempt needs, in one round trip. */
export async function loadTarget(db: Database, id: string) {
  const [row] = await db
    .select({
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
      dataGatewayUrl: platforms.dataGatewayUrl,
      dataGatewayDisabledAt: platforms.dataGatewayDisabledAt,
      secretCiphertext: platforms.secretCiphertext,
      secretKeyId: platforms.secretKeyId,
      previousSecretCiphertext: platforms.previousSecretCiphertext,
      previousSecretKeyId: platforms.previousSecretKeyId,
      previousSecretExpiresAt: platforms.previousSecretExpiresAt,
    })
    .from(deliveries)
    .innerJoin(statusReports, eq(statusReports.id, deliveries.reportId))
    .innerJoin(platforms, eq(platforms.platId, deliveries.platId))
    .where(eq(deliveries.id, id));
  return row;
}

export type AttemptTarget = NonNullable<Awaited<ReturnType<typeof loadTarget>>>;

/**
 * Takes the row for one attempt: bumps `attempts` and pushes nextAttemptAt to the lease end, only
 * if nobody else did since we read it (compare-and-set on attempts). Returns the attempt number.
 */
export async function claimAttempt(
  db: Database,
  id: string,
  seenAttempts: number,
  now: Date,
  leaseUntil: Date,
): Promise<number | undefined> {
  const [row] = await db
    .update(deliveries)
    .set({ attempts: seenAttempts + 1, nextAttemptAt: leaseUntil, updatedAt: now })
    .where(
      and(
        eq(deliveries.id, id),
        inArray(deliveries.status, OPEN),
        eq(deliveries.attempts, seenAttempts),
        lte(deliveries.nextAttemptAt, now),
      ),
    )
    .returning({ attempts: deliveries.attempts });
  return row?.attempts;
}

/** Moves an open row's next attempt without counting one (breaker open, endpoint busy). */
export async function postpone(db: Database, id: string, seenAttempts: number, at: Date): Promise<void> {
  await db
    .update(deliveries)
    .set({ nextAttemptAt: at, updatedAt: new Date() })
    .where(and(eq(deliveries.id, id), inArray(deliveries.status, OPEN), eq(deliveries.attempts, seenAttempts)));
}

/** Ends an open delivery without an HTTP attempt (e.g. the platform's dataGateway is disabled). */
export async function killWithoutAttempt(db: Database, id: string, seenAttempts: number, error: string) {
  await db
    .update(deliveries)
    .set({ status: "dead", lastError: error, updatedAt: new Date() })
    .where(and(eq(deliveries.id, id), inArray(deliveries.status, OPEN), eq(deliveries.attempts, seenAttempts)));
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
  return db.transaction(async (tx) => {
    await tx.insert(deliveryAttempts).values(rec);
    const rows = await tx
      .update(deliveries)
      .set({ ...update, updatedAt: new Date() })
      .where(
        and(
          eq(deliveries.id, rec.deliveryId),
          inArray(deliveries.status, OPEN),
          eq(deliveries.attempts, rec.attempt),
        ),
      )
      .returning({ id: deliveries.id });
    return rows.length > 0;
  });
}

/** HTTP 410 Gone: stop delivering to this platform until an operator clears the flag. */
export async function disableGateway(db: Database, platId: string, now: Date): Promise<void> {
  await db
    .update(platforms)
    .set({ dataGatewayDisabledAt: now })
    .where(and(eq(platforms.platId, platId), isNull(platforms.dataGatewayDisabledAt)));
}
