import { bindings, type Database, deviceGrants, type Transaction } from "@yunlian/db";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { PlatformRecord } from "../../registry/platform-record.ts";

// Standard 7.2.1's trust rule, as docs/design.md §4 states it for the hub: checked before a vendor is
// asked (trustRefusals) and again, race-free, when the bindings are recorded (recordBindings).

/**
 * Standard 7.2.1: a device already bound may be bound again only by a user the owner trusts.
 * A platform vouches for its own users; a device bound through another platform is refused
 * unless that platform granted it to this one (docs/design.md §4). Returns the refused devices, with why.
 */
export async function trustRefusals(
  db: Database | Transaction,
  platform: PlatformRecord,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  if (ids.length === 0) return refused;
  const foreign = await db
    .selectDistinct({ udeviceId: bindings.udeviceId, platId: bindings.platId })
    .from(bindings)
    .where(and(inArray(bindings.udeviceId, [...ids]), ne(bindings.platId, platform.platId)));
  if (foreign.length === 0) return refused;
  const grants = await db
    .select({ udeviceId: deviceGrants.udeviceId })
    .from(deviceGrants)
    .where(
      and(
        eq(deviceGrants.granteePlatId, platform.platId),
        inArray(
          deviceGrants.udeviceId,
          foreign.map((f) => f.udeviceId),
        ),
      ),
    );
  const granted = new Set(grants.map((g) => g.udeviceId));
  for (const f of foreign) {
    if (!granted.has(f.udeviceId)) {
      refused.set(
        f.udeviceId,
        `already bound through platform ${f.platId}, which has not granted it to platform ${platform.platId}`,
      );
    }
  }
  return refused;
}

/** Seeds the advisory-lock key of a device's bind: keeps these locks apart from other advisory locks. */
const BIND_LOCK_SEED = 7_372_617_002;

/**
 * Records what the vendors bound, applying the trust rule again under a lock per device: two
 * platforms' users binding one device at the same moment both pass the first check, and only
 * one of them may keep it. Locks are taken in device order (no deadlock between two binds of
 * several devices) and held until the insert commits. Returns the devices refused now, with why.
 */
export async function recordBindings(
  db: Database,
  platform: PlatformRecord,
  rows: (typeof bindings.$inferInsert)[],
): Promise<Map<string, string>> {
  const ids = rows.map((r) => r.udeviceId).sort();
  return db.transaction(async (tx) => {
    await lockDevices(tx, ids);
    const refused = await trustRefusals(tx, platform, ids);
    const allowed = rows.filter((r) => !refused.has(r.udeviceId));
    if (allowed.length > 0) await tx.insert(bindings).values(allowed).onConflictDoNothing();
    return refused;
  });
}

/**
 * Takes the per-device bind locks (held until the transaction ends), in the order given: a bind
 * (recordBindings) and a grant's revocation (services/grants) of one device never interleave.
 */
export async function lockDevices(tx: Transaction, sortedIds: readonly string[]): Promise<void> {
  if (sortedIds.length === 0) return;
  // unnest keeps the array's (sorted) order, so the locks are taken in that order.
  const list = sql.join(
    sortedIds.map((id) => sql`${id}`),
    sql`, `,
  );
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(d, ${BIND_LOCK_SEED}::bigint)) from unnest(array[${list}]::text[]) as d`,
  );
}
