import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { listDevices } from "../../services/devices/device-calls.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardRoute } from "./standard-route.ts";

/** POST /v1/users/devices (7.2.3): every vendor the user has devices with, merged. */
export function registerUsersDevices(app: Hono<HubEnv>) {
  app.post(
    "/v1/users/devices",
    standardRoute("users/devices", async (req) => {
      const { userId } = await actingUser(req, { tokenRequired: false });
      const filter = req.body.Device?.[0]?.DeviceInfo ?? undefined;
      const { devices, failures } = await listDevices(req.services, userId, filter, req.requestId);
      return mergedAnswer(failures, { Device: devices });
    }),
  );
}
