import { getDeviceView } from "@yunlian/delivery";
import { parseUDeviceId } from "@yunlian/protocol";
import type { Hono } from "hono";
import { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";
import { queryInput } from "./query-input.ts";

/** GET /admin/v1/devices/{udeviceId}: decoded ID, owning vendor, shadow, latest reports, subscribers. */
export function registerDeviceAdminRoutes(app: Hono<HubEnv>) {
  app.get("/admin/v1/devices/:udeviceId", async (c) => {
    const services = c.get("services");
    const udeviceId = c.req.param("udeviceId");
    const decoded = parseUDeviceId(udeviceId);
    if (!decoded.ok) throw invalid(`udeviceId: ${decoded.error.part}: ${decoded.error.reason}`);
    const { reports: limit } = queryInput(
      c,
      z.strictObject({ reports: z.coerce.number().int().min(1).max(500).default(20) }),
    );
    const view = await getDeviceView({ db: services.db, udeviceId, reportLimit: limit });
    const owner = services.registry.vendorFor(udeviceId);
    return c.json({
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
    });
  });
}
