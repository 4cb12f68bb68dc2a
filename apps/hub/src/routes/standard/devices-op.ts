import type { DeviceCommand } from "@yunlian/adapter-sdk";
import { invalid } from "../../lib/hub-error.ts";
import { operateDevices } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import { checkCommand } from "../../services/models/check-command.ts";
import type { ModelRegistry } from "../../services/models/model-registry.ts";
import type { AccountCtx } from "./account-context.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardEndpoint } from "./standard-route.ts";

/** POST /v1/devices/op (7.2.7): AccessToken required; only devices bound to that user. */
export const devicesOp = (ctx: AccountCtx & { models: ModelRegistry }) =>
  standardEndpoint("/v1/devices/op", "devices/op", async (req) => {
    const ids = namedDeviceIds(req.body.Device);
    const auth = await actingUser(ctx, req, { tokenRequired: true });
    const commands: DeviceCommand[] = (req.body.Device ?? []).map((d, i) => {
      const attrs = d.DeviceAttr ?? {};
      if (Object.keys(attrs).length === 0) throw invalid(`Device[${i}].DeviceAttr: the command is required`);
      return { deviceId: ids[i] ?? "", attrs };
    });
    // Commands are checked against the device's model before any vendor is called.
    (req.body.Device ?? []).forEach((d, i) => {
      const id = ids[i] ?? "";
      const vendor = ctx.registry.vendorFor(id);
      const model = vendor && ctx.models.forDevice(id, vendor.platId, d.DeviceInfo?.deviceType);
      if (model) checkCommand(model, commands[i]?.attrs ?? {}, `Device[${i}].DeviceAttr`);
    });
    return mergedAnswer(await operateDevices(ctx, auth, commands, req.trace));
  });
