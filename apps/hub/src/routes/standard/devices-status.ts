import { deviceStatus } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardEndpoint } from "./standard-route.ts";

/** POST /v1/devices/deviceStatus (7.2.6): states in request order, deviceID echoed (DESIGN.md §3.4). */
export const devicesDeviceStatus = standardEndpoint(
  "/v1/devices/deviceStatus",
  "devices/deviceStatus",
  async (req) => {
    const ids = namedDeviceIds(req.body.Device);
    const auth = await actingUser(req, { tokenRequired: false });
    const { devices, failures } = await deviceStatus(req.services, auth, ids, req.trace);
    return mergedAnswer(failures, { Device: devices });
  },
);
