import type { Database } from "@yunlian/db";
import { getDeviceView } from "@yunlian/delivery";
import { parseUDeviceId } from "@yunlian/protocol";
import { invalid } from "../../lib/hub-error.ts";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";

/**
 * What the hub knows of one device (operator): the decoded UDeviceID, the owning vendor, the
 * shadow, the latest reports and the platforms its reports are delivered to.
 */
export async function deviceView(
  ctx: { db: Database; registry: PlatformRegistry },
  udeviceId: string,
  reportLimit: number,
) {
  const decoded = parseUDeviceId(udeviceId);
  if (!decoded.ok) throw invalid(`udeviceId: ${decoded.error.part}: ${decoded.error.reason}`);
  const view = await getDeviceView({ db: ctx.db, udeviceId, reportLimit });
  const owner = ctx.registry.vendorFor(udeviceId);
  return {
    udeviceId,
    decoded: decoded.value,
    owner: owner ? { platId: owner.platId, name: owner.name } : null,
    shadow: view.shadow
      ? {
          attrs: view.shadow.attrs,
          online: view.shadow.online,
          lastAlarm: view.shadow.lastAlarm,
          lastAlarmAt: view.shadow.lastAlarmAt?.toISOString() ?? null,
          lastReportAt: view.shadow.lastReportAt.toISOString(),
        }
      : null,
    reports: view.reports.map((r) => ({
      id: r.id,
      dataType: r.dataType,
      deviceStatus: r.deviceStatus,
      reportedAt: r.reportedAt?.toISOString() ?? null,
      receivedAt: r.receivedAt.toISOString(),
    })),
    subscribers: view.subscribers.map((s) => ({
      platId: s.platId,
      dataGatewayUrl: s.dataGatewayUrl,
      disabled: s.dataGatewayDisabledAt !== null,
    })),
  };
}
