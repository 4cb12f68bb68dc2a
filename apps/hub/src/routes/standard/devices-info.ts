import type { DeviceInfo } from "@yunlian/protocol";
import { invalid } from "../../lib/hub-error.ts";
import { deviceInfo, modifyDeviceInfo } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import type { AccountCtx } from "./account-context.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardEndpoint } from "./standard-route.ts";

/** POST /v1/devices/deviceInfo (7.2.4). */
export const devicesDeviceInfo = (ctx: AccountCtx) =>
  standardEndpoint("/v1/devices/deviceInfo", "devices/deviceInfo", async (req) => {
    const ids = namedDeviceIds(req.body.Device);
    const auth = await actingUser(ctx, req, { tokenRequired: false });
    const { devices, failures } = await deviceInfo(ctx, auth, ids, req.trace);
    return mergedAnswer(failures, { Device: devices });
  });

/** POST /v1/devices/modifyDeviceInfo (7.2.5). */
export const devicesModifyDeviceInfo = (ctx: AccountCtx) =>
  standardEndpoint("/v1/devices/modifyDeviceInfo", "devices/modifyDeviceInfo", async (req) => {
    namedDeviceIds(req.body.Device);
    const auth = await actingUser(ctx, req, { tokenRequired: false });
    const infos = (req.body.Device ?? []).map((d, i) => {
      const info = d.DeviceInfo as DeviceInfo | undefined;
      if (!info || Object.keys(info).length < 2) {
        throw invalid(`Device[${i}].DeviceInfo: name at least one field to change besides deviceID`);
      }
      return info;
    });
    return mergedAnswer(await modifyDeviceInfo(ctx, auth, infos, req.trace));
  });
