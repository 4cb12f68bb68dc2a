import { listDevices } from "../../services/devices/device-calls.ts";
import type { AccountCtx } from "./account-context.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardEndpoint } from "./standard-route.ts";

/** POST /v1/users/devices (7.2.3): every vendor the user has devices with, merged. */
export const usersDevices = (ctx: AccountCtx) =>
  standardEndpoint("/v1/users/devices", "users/devices", async (req) => {
    const { userId } = await actingUser(ctx, req, { tokenRequired: false });
    const filter = req.body.Device?.[0]?.DeviceInfo ?? undefined;
    const { devices, failures } = await listDevices(ctx, userId, filter, req.trace);
    return mergedAnswer(failures, { Device: devices });
  });
