import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { deviceStatus } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardRoute } from "./standard-route.ts";

/** POST /v1/devices/deviceStatus (7.2.6): states in request order, deviceID echoed (DESIGN.md §3.4). */
export function registerDeviceStatus(app: Hono<HubEnv>) {
  app.post(
    "/v1/devices/deviceStatus",
    standardRoute("devices/deviceStatus", async (req) => {
      const ids = namedDeviceIds(req.body.Device);
      const auth = await actingUser(req, { tokenRequired: false });
      const { devices, failures } = await deviceStatus(req.services, auth, ids, req.requestId);
      return mergedAnswer(failures, { Device: devices });
    }),
  );
}
