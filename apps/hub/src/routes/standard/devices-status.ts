import { deviceStatus } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import type { AccountCtx } from "./account-context.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardEndpoint } from "./standard-route.ts";

/** POST /v1/devices/deviceStatus (7.2.6): states in request order, deviceID echoed (docs/design.md §3.4). */
export const devicesDeviceStatus = (ctx: AccountCtx) =>
  standardEndpoint("/v1/devices/deviceStatus", "devices/deviceStatus", async (req) => {
    const ids = namedDeviceIds(req.body.Device);
    const auth = await actingUser(ctx, req, { tokenRequired: false });
    const { devices, failures } = await deviceStatus(ctx, auth, ids, req.trace);
    return mergedAnswer(failures, { Device: devices });
  });
