import { bindings, type Database, deviceShadows } from "@yunlian/db";
import { and, asc, countDistinct, eq, inArray, like, or, type SQL } from "drizzle-orm";

export interface DeviceListQuery {
  /** The start of a UDeviceID (letters and digits only). */
  prefix: string;
  /** Devices of this vendor, or bound by a user of this platform. */
  platId?: string;
  limit: number;
}

export interface DeviceListRow {
  udeviceId: string;
  vendorPlatId: string;
  online: boolean | null;
  lastReportAt: Date | null;
  /** Platforms with a user bound to it. */
  subscribers: number;
}

/** A UDeviceID prefix is letters and digits: nothing a LIKE pattern would read as a wildcard. */
export const DEVICE_PREFIX = /^[0-9A-Za-z]{0,77}$/;

/**
 * The devices the hub knows (issue 18): those that reported (a shadow) and those bound by a
 * user, in UDeviceID order, filtered by a UDeviceID prefix and a platform (vendor or subscriber).
 */
export async function listDevices(db: Database, q: DeviceListQuery): Promise<DeviceListRow[]> {
  if (!DEVICE_PREFIX.test(q.prefix)) throw new Error("prefix: letters and digits only");
  const pattern = `${q.prefix}%`;
  const [shadows, bound] = await Promise.all([
    db
      .select({
        udeviceId: deviceShadows.udeviceId,
        vendorPlatId: deviceShadows.vendorPlatId,
        online: deviceShadows.online,
        lastReportAt: deviceShadows.lastReportAt,
      })
      .from(deviceShadows)
      .where(
        and(
          like(deviceShadows.udeviceId, pattern),
          platFilter(db, deviceShadows.vendorPlatId, deviceShadows.udeviceId, q.platId),
        ),
      )
      .orderBy(asc(deviceShadows.udeviceId))
      .limit(q.limit),
    db
      .select({
        udeviceId: bindings.udeviceId,
        vendorPlatId: bindings.vendorPlatId,
        subscribers: countDistinct(bindings.platId),
      })
      .from(bindings)
      .where(
        and(
          like(bindings.udeviceId, pattern),
          platFilter(db, bindings.vendorPlatId, bindings.udeviceId, q.platId),
        ),
      )
      .groupBy(bindings.udeviceId, bindings.vendorPlatId)
      .orderBy(asc(bindings.udeviceId))
      .limit(q.limit),
  ]);
  const rows = new Map<string, DeviceListRow>();
  for (const s of shadows) rows.set(s.udeviceId, { ...s, subscribers: 0 });
  for (const b of bound) {
    const row = rows.get(b.udeviceId);
    if (row) row.subscribers = b.subscribers;
    else rows.set(b.udeviceId, { ...b, online: null, lastReportAt: null });
  }
  return [...rows.values()].sort((a, b) => a.udeviceId.localeCompare(b.udeviceId)).slice(0, q.limit);
}

/** Of that vendor, or bound by a user of that platform. */
function platFilter(
  db: Database,
  vendorColumn: typeof deviceShadows.vendorPlatId | typeof bindings.vendorPlatId,
  idColumn: typeof deviceShadows.udeviceId | typeof bindings.udeviceId,
  platId: string | undefined,
): SQL | undefined {
  if (!platId) return undefined;
  const boundBy = db.select({ id: bindings.udeviceId }).from(bindings).where(eq(bindings.platId, platId));
  return or(eq(vendorColumn, platId), inArray(idColumn, boundBy));
}
