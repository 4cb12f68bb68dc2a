import type { Database, DeliveryStatus } from "@yunlian/db";
import { deliveries, deliveryAttempts, deliveryIsOpen, platforms, statusReports } from "@yunlian/db";
import { and, eq, isNull, lte, ne, sql } from "drizzle-orm";
import { retryAfterPartitionMove, rowsOf, runSql } from "../sql-exec.ts";

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
  source: statusReports.source,
  dataGatewayUrl: platforms.dataGatewayUrl,
  dataGatewayDisabledAt: platforms.dataGatewayDisabledAt,
  // Deliveries are signed with the receiver's webhookSecret, never its appSecret (docs/design.md §7).
  webhookSecretCiphertext: platforms.webhookSecretCiphertext,
  webhookSecretKeyId: platforms.webhookSecretKeyId,
  previousWebhookSecretCiphertext: platforms.previousWebhookSecretCiphertext,
  previousWebhookSecretKeyId: platforms.previousWebhookSecretKeyId,
  previousWebhookSecretExpiresAt: platforms.previousWebhookSecretExpiresAt,
  sandbox: platforms.sandbox,
};

function claimStatement(db: Database) {
  const at = (name: string) => sql`${sql.placeholder(name)}::timestamptz`;
  return (
    db
      .update(deliveries)
      .set({ attempts: sql`${deliveries.attempts} + 1`, nextAttemptAt: at("lease"), updatedAt: at("now") })
      .from(statusReports)
      // The target table cannot appear in a join's ON clause in UPDATE … FROM: join on true, filter below.
      .innerJoin(platforms, sql`true`)
      .where(
        and(
          // The ids as one array parameter: the statement text is the same for any number of them.
          sql`${deliveries.id} = any(${sql.placeholder("ids")}::text[])`,
          eq(statusReports.id, deliveries.reportId),
          // The report's partition by its key (a delivery's createdAt is its report's receivedAt).
          eq(statusReports.receivedAt, deliveries.createdAt),
          // Open rows live in deliveries_open, which this literal alone makes the plan's only partition.
          sql`${deliveries.settledAt} = 'infinity'`,
          eq(platforms.platId, deliveries.platId),
          // Open, written so that only the primary key serves the lookup (see recordAttempts).
          ne(deliveries.status, "delivered"),
          ne(deliveries.status, "dead"),
          lte(deliveries.nextAttemptAt, at("now")),
        ),
      )
      .returning(targetColumns)
      // Named, so postgres.js prepares it once per connection: one round trip, no re-parse.
      .prepare("yunlian_claim_deliveries")
  );
}

const claimStatements = new WeakMap<Database, ReturnType<typeof claimStatement>>();

/**
 * Takes the rows for some attempts and reads everything they need, in one statement: bumps
 * `attempts` and pushes nextAttemptAt to the lease end, only for rows that are open and due by
 * `now`. Returns the claimed rows (any order); ids missing from the answer were not claimable.
 */
export async function claimAndLoadMany(db: Database, ids: readonly string[], now: Date, leaseUntil: Date) {
  let stmt = claimStatements.get(db);
  if (!stmt) {
    stmt = claimStatement(db);
    claimStatements.set(db, stmt);
  }
  const run = stmt;
  return retryAfterPartitionMove(() =>
    run.execute({
      ids: textArrayLiteral(ids),
      now: now.toISOString(),
      lease: leaseUntil.toISOString(),
    }),
  );
}

/** A Postgres text[] literal, every element quoted: the same on both drivers, exact for any string. */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}

/** One attempt's claim: see claimAndLoadMany (batched.ts groups concurrent claims into one). */
export async function claimAndLoad(db: Database, id: string, now: Date, leaseUntil: Date) {
  const [row] = await claimAndLoadMany(db, [id], now, leaseUntil);
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
  await retryAfterPartitionMove(() =>
    db
      .update(deliveries)
      .set({ attempts: claimedAttempts - 1, nextAttemptAt: at, updatedAt: new Date() })
      .where(and(eq(deliveries.id, id), deliveryIsOpen, eq(deliveries.attempts, claimedAttempts))),
  );
}

/** Ends an open delivery without an HTTP attempt (e.g. the platform's dataGateway is disabled). */
export async function killWithoutAttempt(db: Database, id: string, claimedAttempts: number, error: string) {
  const now = new Date();
  await retryAfterPartitionMove(() =>
    db
      .update(deliveries)
      // Settled: the row moves to the partition of today's settled deliveries.
      .set({
        status: "dead",
        attempts: claimedAttempts - 1,
        lastError: error,
        updatedAt: now,
        settledAt: now,
      })
      .where(and(eq(deliveries.id, id), deliveryIsOpen, eq(deliveries.attempts, claimedAttempts))),
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
  /**
   * The row's `attempts` this write expects: the attempt number itself after a claim (which
   * counted it), one less for a prepared first attempt (nothing counted it yet; this write does).
   */
  expectAttempts: number;
  status: DeliveryStatus;
  nextAttemptAt: Date;
  lastError: string | null;
  lastHttpStatus: number | null;
  deliveredAt: Date | null;
}

/**
 * Writes attempts' records and their rows' new state together, in one statement (a data-modifying
 * CTE: one implicit transaction, one round trip) however many there are. A row update only applies
 * while its attempt still owns the row (attempts as expected, still open) and sets `attempts` to
 * the attempt's number; the record is kept either way, since the request did happen. Returns, per entry, whether its row was updated.
 */
export async function recordAttempts(
  db: Database,
  entries: readonly { rec: AttemptRecord; update: RowUpdate }[],
): Promise<boolean[]> {
  // One jsonb parameter instead of 12 per entry: the statement text is the same for any batch size.
  // The ids again as an array, so the rows are found by primary key: joined to the jsonb rows
  // alone, the planner reads every open row through the status index instead (the function's
  // row estimate is a blind 100), which grew with every dead index entry left by earlier updates.
  // "Open" is written as "neither delivered nor dead" (the only other statuses) for the same
  // reason: a condition the status index cannot serve keeps it out of the plan.
  const input = JSON.stringify(
    entries.map(({ rec, update }) => ({
      delivery_id: rec.deliveryId,
      attempt: rec.attempt,
      started_at: rec.startedAt.toISOString(),
      duration_ms: rec.durationMs,
      http_status: rec.httpStatus,
      ret_code: rec.retCode,
      error: rec.error,
      expect_attempts: update.expectAttempts,
      status: update.status,
      next_attempt_at: update.nextAttemptAt.toISOString(),
      last_error: update.lastError,
      last_http_status: update.lastHttpStatus,
      delivered_at: update.deliveredAt?.toISOString() ?? null,
    })),
  );
  const statement = sql`
    with input as (
      select * from jsonb_to_recordset(${input}::jsonb) as i(
        delivery_id text, attempt int, started_at timestamptz, duration_ms int, http_status int,
        ret_code text, error text, expect_attempts int, status text, next_attempt_at timestamptz, last_error text,
        last_http_status int, delivered_at timestamptz)
    ), attempt as (
      insert into ${deliveryAttempts} (delivery_id, attempt, started_at, duration_ms, http_status, ret_code, error)
      select delivery_id, attempt, started_at, duration_ms, http_status, ret_code, error from input
    )
    -- A row that settles (delivered, dead) gets its settled_at, which moves it out of
    -- deliveries_open into the partition of the day (docs/adr/0009).
    update ${deliveries} d
       set attempts = i.attempt, status = i.status, next_attempt_at = i.next_attempt_at, last_error = i.last_error,
           last_http_status = i.last_http_status, delivered_at = i.delivered_at, updated_at = now(),
           settled_at = case when i.status in ('delivered', 'dead') then now() else 'infinity' end
      from input i
     where d.id = any(${textArrayLiteral(entries.map((e) => e.rec.deliveryId))}::text[])
       and d.settled_at = 'infinity'
       and d.id = i.delivery_id and d.status <> 'delivered' and d.status <> 'dead' and d.attempts = i.expect_attempts
    returning d.id, i.attempt`;
  const run = runSql(db);
  const res = await retryAfterPartitionMove(() => run(statement));
  const updated = new Set(
    (rowsOf(res) as { id: string; attempt: number | string }[]).map((r) => `${r.id}#${Number(r.attempt)}`),
  );
  return entries.map(({ rec }) => updated.has(`${rec.deliveryId}#${rec.attempt}`));
}

/** One attempt's record: see recordAttempts (batched.ts groups concurrent records into one). */
export async function recordAttempt(db: Database, rec: AttemptRecord, update: RowUpdate): Promise<boolean> {
  const [updated] = await recordAttempts(db, [{ rec, update }]);
  return updated ?? false;
}

/** Moves a prepared (unclaimed) first attempt that sent nothing to `at`, counting no attempt. */
export async function postpone(db: Database, id: string, attempts: number, at: Date): Promise<void> {
  await retryAfterPartitionMove(() =>
    db
      .update(deliveries)
      .set({ nextAttemptAt: at, updatedAt: new Date() })
      .where(and(eq(deliveries.id, id), deliveryIsOpen, eq(deliveries.attempts, attempts))),
  );
}

/** HTTP 410 Gone: stop delivering to this platform until an operator clears the flag. */
export async function disableGateway(db: Database, platId: string, now: Date): Promise<void> {
  await db
    .update(platforms)
    .set({ dataGatewayDisabledAt: now })
    .where(and(eq(platforms.platId, platId), isNull(platforms.dataGatewayDisabledAt)));
}
