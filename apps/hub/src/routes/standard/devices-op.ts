import type { CommandsCtx } from "../../services/commands/commands-context.ts";
import { newOpId, recordOp, type TrackedDevice } from "../../services/commands/op-tracking.ts";
import { operateDevices } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import type { ModelRegistry } from "../../services/models/model-registry.ts";
import type { AccountCtx } from "./account-context.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardEndpoint } from "./standard-route.ts";

/**
 * POST /v1/devices/op (7.2.7): AccessToken required; only devices bound to that user. The
 * commands' content is judged after both (operateDevices: 401 → 403 → 400, docs/design.md §3.6).
 * An op that passed those checks gets an `OpID` (GET /v1/ops/{OpID}) and is recorded once its
 * vendors answered, the devices a vendor refused as failed.
 */
export const devicesOp = (ctx: AccountCtx & { models: ModelRegistry; commands: CommandsCtx }) =>
  standardEndpoint(
    "/v1/devices/op",
    "devices/op",
    async (req) => {
      const ids = namedDeviceIds(req.body.Device);
      const auth = await actingUser(ctx, req, { tokenRequired: true });
      const commands = (req.body.Device ?? []).map((d, i) => ({
        deviceId: ids[i] ?? "",
        attrs: d.DeviceAttr ?? {},
        declaredType: d.DeviceInfo?.deviceType,
      }));
      const tracking = ctx.commands.ops;
      if (!tracking) return mergedAnswer(await operateDevices(ctx, auth, commands, req.trace));
      const startedAt = tracking.now();
      const opId = newOpId(startedAt);
      const failures = await operateDevices(ctx, auth, commands, req.trace);
      const failed = failures.length === 0 ? NONE_FAILED : new Set(failures.flatMap((f) => f.deviceIds));
      // Written while the answer goes out (docs/adr/0010): the answer waits for the vendors
      // only. A failed write leaves an OpID that GET /v1/ops will not find: logged, never thrown.
      recordOp(tracking, {
        opId,
        platId: req.platform.platId,
        userId: auth.userId,
        startedAt,
        devices: trackedDevices(ctx, commands, failed),
      });
      return mergedAnswer(failures, { OpID: opId });
    },
    { idempotency: ctx.commands.idempotency },
  );

/** Shared by every op no vendor refused (most of them). */
const NONE_FAILED: ReadonlySet<string> = new Set();

/** One row per device (a device named twice: its commands merged, the later winning). */
function trackedDevices(
  ctx: Pick<AccountCtx, "registry">,
  commands: readonly { deviceId: string; attrs: Record<string, string> }[],
  failed: ReadonlySet<string>,
): TrackedDevice[] {
  const byId = new Map<string, TrackedDevice>();
  for (const c of commands) {
    const known = byId.get(c.deviceId);
    // The request's own attributes until a second command of the device merges into a copy.
    if (known) known.attrs = { ...known.attrs, ...c.attrs };
    else
      byId.set(c.deviceId, {
        udeviceId: c.deviceId,
        vendorPlatId: ctx.registry.vendorFor(c.deviceId)?.platId ?? "",
        attrs: c.attrs,
        failed: failed.has(c.deviceId),
      });
  }
  return [...byId.values()];
}
