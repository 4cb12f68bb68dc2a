import type { Database, DeviceShadow, StatusReport } from "@yunlian/db";
import { bindings, deviceShadows, platforms, statusReports } from "@yunlian/db";
import { asc, desc, eq } from "drizzle-orm";

export interface DeviceView {
  udeviceId: string;
  shadow: DeviceShadow | null;
  /** Newest first. */
  reports: StatusReport[];
  /** Platforms with a user bound to the device, i.e. who receives its reports. */
  subscribers: Array<{ platId: string; dataGatewayUrl: string | null; dataGatewayDisabledAt: Date | null }>;
}

export async function getDeviceView(input: {
  db: Database;
  udeviceId: string;
  reportLimit?: number;
}): Promise<DeviceView> {
  const { db, udeviceId } = input;
  const limit = Math.min(Math.max(Math.trunc(input.reportLimit ?? 20), 1), 500);
  const [[shadow], reports, subscribers] = await Promise.all([
    db.select().from(deviceShadows).where(eq(deviceShadows.udeviceId, udeviceId)),
    db
      .select()
      .from(statusReports)
      .where(eq(statusReports.udeviceId, udeviceId))
      .orderBy(desc(statusReports.receivedAt), desc(statusReports.id))
      .limit(limit),
    db
      .selectDistinct({
        platId: platforms.platId,
        dataGatewayUrl: platforms.dataGatewayUrl,
        dataGatewayDisabledAt: platforms.dataGatewayDisabledAt,
      })
      .from(bindings)
      .innerJoin(platforms, eq(platforms.platId, bindings.platId))
      .where(eq(bindings.udeviceId, udeviceId))
      .orderBy(asc(platforms.platId)),
  ]);
  return { udeviceId, shadow: shadow ?? null, reports, subscribers };
}
