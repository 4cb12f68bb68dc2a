import type { Database } from "@yunlian/db";
import { bindings, deviceShadows, reconcileAccounts, reconcileDevices, reconcileVendors } from "@yunlian/db";
import { type SQL, sql } from "drizzle-orm";

/**
 * The reconciler's shared state in PostgreSQL (docs/adr/0011): the per-vendor call budget and the
 * per-device / per-account claims. Each is one statement, so several processes (hubs, workers) share the work
 * with no lock held across a vendor call.
 */

const MINUTE_MS = 60_000;

/** The start of the minute window `now` falls in: HUB_RECONCILE_RATE counts calls per window. */
function windowStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
}

async function rows(db: Database, query: SQL): Promise<Record<string, unknown>[]> {
  const result = (await db.execute(query)) as unknown;
  // postgres.js answers an array of rows; PGlite an object holding them.
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
}

/**
 * Takes one call from the vendor's budget for the window of `now`: true when fewer than `rate`
 * calls were taken in that window (by any process). The row is locked for the one UPDATE only.
 */
export async function takeCall(
  db: Database,
  vendorPlatId: string,
  rate: number,
  now: Date,
): Promise<boolean> {
  const w = windowStart(now).toISOString();
  await db
    .insert(reconcileVendors)
    .values({ vendorPlatId, windowStart: new Date(w), windowCalls: 0 })
    .onConflictDoNothing();
  const taken = await rows(
    db,
    sql`update ${reconcileVendors} v
           set window_calls = case when v.window_start < ${w}::timestamptz then 1 else v.window_calls + 1 end,
               window_start = greatest(v.window_start, ${w}::timestamptz)
         where v.vendor_plat_id = ${vendorPlatId}
           and (v.window_start < ${w}::timestamptz or v.window_calls < ${rate})
     returning 1 as ok`,
  );
  return taken.length === 1;
}

/** Gives back a call taken for work that turned out not to be there (nothing was due). */
export async function returnCall(db: Database, vendorPlatId: string, now: Date): Promise<void> {
  const w = windowStart(now).toISOString();
  await db.execute(
    sql`update ${reconcileVendors} set window_calls = window_calls - 1
         where vendor_plat_id = ${vendorPlatId} and window_start = ${w}::timestamptz and window_calls > 0`,
  );
}

/**
 * What a claim found: the id it took; nothing due; or due work another process claimed in the
 * same instant ("lost": there may be more due work, so the caller claims again rather than idle).
 */
export type Claim = { id: string } | { id?: undefined; lost: boolean };

/** Reads a claim statement's one row: the id it found due and the id it took. */
async function claimFrom(db: Database, query: SQL): Promise<Claim> {
  const [row] = await rows(db, query);
  const taken = row?.taken_id;
  if (typeof taken === "string") return { id: taken };
  return { lost: typeof row?.due_id === "string" };
}

/**
 * Claims the vendor's bound device whose shadow is oldest (never reported first) among those not
 * polled since `cutoff`, by moving its polledAt to `now`. The conflict branch re-checks the age on
 * the row as committed: of two processes choosing the same device, one gets it, the other "lost".
 */
export function claimDevice(db: Database, vendorPlatId: string, now: Date, cutoff: Date): Promise<Claim> {
  const c = cutoff.toISOString();
  return claimFrom(
    db,
    sql`with due as (
          select b.udevice_id
            from (select distinct udevice_id from ${bindings} where vendor_plat_id = ${vendorPlatId}) b
            left join ${deviceShadows} s on s.udevice_id = b.udevice_id
            left join ${reconcileDevices} r on r.udevice_id = b.udevice_id
           where r.polled_at is null or r.polled_at <= ${c}::timestamptz
           order by greatest(s.last_report_at, r.polled_at) asc nulls first, b.udevice_id
           limit 1
        ), taken as (
          insert into ${reconcileDevices} as r (udevice_id, vendor_plat_id, polled_at)
          select udevice_id, ${vendorPlatId}, ${now.toISOString()}::timestamptz from due
          on conflict (udevice_id) do update
             set polled_at = excluded.polled_at, vendor_plat_id = excluded.vendor_plat_id
           where r.polled_at <= ${c}::timestamptz
          returning r.udevice_id
        )
        select (select udevice_id from due) as due_id, (select udevice_id from taken) as taken_id`,
  );
}

/** As claimDevice, for one hub user's device list at the vendor (users/devices). */
export function claimAccount(db: Database, vendorPlatId: string, now: Date, cutoff: Date): Promise<Claim> {
  const c = cutoff.toISOString();
  return claimFrom(
    db,
    sql`with due as (
          select b.user_id
            from ${bindings} b
            left join ${reconcileAccounts} a on a.user_id = b.user_id and a.vendor_plat_id = b.vendor_plat_id
           where b.vendor_plat_id = ${vendorPlatId}
             and (a.polled_at is null or a.polled_at <= ${c}::timestamptz)
           group by b.user_id
           order by max(a.polled_at) asc nulls first, b.user_id
           limit 1
        ), taken as (
          insert into ${reconcileAccounts} as a (user_id, vendor_plat_id, polled_at)
          select user_id, ${vendorPlatId}, ${now.toISOString()}::timestamptz from due
          on conflict (user_id, vendor_plat_id) do update
             set polled_at = excluded.polled_at
           where a.polled_at <= ${c}::timestamptz
          returning a.user_id
        )
        select (select user_id from due) as due_id, (select user_id from taken) as taken_id`,
  );
}

/** Counts a successful poll, and a drift found by it, in the vendor's row (the console reads it). */
export async function countPoll(
  db: Database,
  vendorPlatId: string,
  drift: boolean,
  now: Date,
): Promise<void> {
  await db.execute(
    sql`update ${reconcileVendors}
           set polls_total = polls_total + 1,
               drift_total = drift_total + ${drift ? 1 : 0},
               last_drift_at = ${drift ? sql`${now.toISOString()}::timestamptz` : sql`last_drift_at`}
         where vendor_plat_id = ${vendorPlatId}`,
  );
}
