import type { Hono } from "hono";
import { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { deviceView } from "../../services/devices/device-view.ts";
import { queryInput } from "./query-input.ts";

const deviceQuery = z.strictObject({ reports: z.coerce.number().int().min(1).max(500).default(20) });

/** GET /admin/v1/devices/{udeviceId}: decoded ID, owning vendor, shadow, latest reports, subscribers. */
export function registerDeviceAdminRoutes(app: Hono<HubEnv>, ctx: Parameters<typeof deviceView>[0]) {
  app.get("/admin/v1/devices/:udeviceId", async (c) => {
    const { reports } = queryInput(c, deviceQuery);
    return c.json(await deviceView(ctx, c.req.param("udeviceId"), reports));
  });
}
