import { operateDevices } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import type { ModelRegistry } from "../../services/models/model-registry.ts";
import type { AccountCtx } from "./account-context.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardEndpoint } from "./standard-route.ts";

/**
 * POST /v1/devices/op (7.2.7): AccessToken required; only devices bound to that user. The
 * commands' content is judged after both (operateDevices: 401 → 403 → 400, docs/design.md §3.6).
 */
export const devicesOp = (ctx: AccountCtx & { models: ModelRegistry }) =>
  standardEndpoint("/v1/devices/op", "devices/op", async (req) => {
    const ids = namedDeviceIds(req.body.Device);
    const auth = await actingUser(ctx, req, { tokenRequired: true });
    const commands = (req.body.Device ?? []).map((d, i) => ({
      deviceId: ids[i] ?? "",
      attrs: d.DeviceAttr ?? {},
      declaredType: d.DeviceInfo?.deviceType,
    }));
    return mergedAnswer(await operateDevices(ctx, auth, commands, req.trace));
  });
