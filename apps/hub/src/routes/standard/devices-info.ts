import type { DeviceInfo } from "@yunlian/protocol";
import type { Hono } from "hono";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";
import { deviceInfo, modifyDeviceInfo } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardRoute } from "./standard-route.ts";

/** POST /v1/devices/deviceInfo (7.2.4) and /v1/devices/modifyDeviceInfo (7.2.5). */
export function registerDeviceInfo(app: Hono<HubEnv>) {
  app.post(
    "/v1/devices/deviceInfo",
    standardRoute("devices/deviceInfo", async (req) => {
      const ids = namedDeviceIds(req.body.Device);
      const auth = await actingUser(req, { tokenRequired: false });
      const { devices, failures } = await deviceInfo(req.services, auth, ids, req.requestId);
      return mergedAnswer(failures, { Device: devices });
    }),
  );
  app.post(
    "/v1/devices/modifyDeviceInfo",
    standardRoute("devices/modifyDeviceInfo", async (req) => {
      namedDeviceIds(req.body.Device);
      const auth = await actingUser(req, { tokenRequired: false });
      const infos = (req.body.Device ?? []).map((d, i) => {
        const info = d.DeviceInfo as DeviceInfo | undefined;
        if (!info || Object.keys(info).length < 2) {
          throw invalid(`Device[${i}].DeviceInfo: name at least one field to change besides deviceID`);
        }
        return info;
      });
      return mergedAnswer(await modifyDeviceInfo(req.services, auth, infos, req.requestId));
    }),
  );
}
