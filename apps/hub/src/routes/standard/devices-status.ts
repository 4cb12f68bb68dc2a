import { deviceStatus } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import { maxAgeOf } from "../../services/devices/shadow-status.ts";
import type { AccountCtx } from "./account-context.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardEndpoint } from "./standard-route.ts";

/**
 * POST /v1/devices/deviceStatus (7.2.6): states in request order, deviceID echoed (docs/design.md §3.4).
 * `Cache-Control: max-age=N` lets the hub answer a device from its shadow when its latest report is
 * no older than N seconds, each entry then carrying `StatusTime` (docs/design.md §7).
 */
export const devicesDeviceStatus = (ctx: AccountCtx) =>
  standardEndpoint("/v1/devices/deviceStatus", "devices/deviceStatus", async (req) => {
    const ids = namedDeviceIds(req.body.Device);
    const auth = await actingUser(ctx, req, { tokenRequired: false });
    const maxAge = maxAgeOf(req.requestHeaders["cache-control"]);
    const { devices, failures } = await deviceStatus(ctx, auth, ids, req.trace, maxAge);
    return mergedAnswer(failures, { Device: devices });
  });
