import type { CommandsCtx } from "../../services/commands/commands-context.ts";
import { beginOp, failDevices, newOpId, type TrackedDevice } from "../../services/commands/op-tracking.ts";
import { operateDevices } from "../../services/devices/device-calls.ts";
import { namedDeviceIds } from "../../services/devices/device-ids.ts";
import type { ModelRegistry } from "../../services/models/model-registry.ts";
import type { AccountCtx } from "./account-context.ts";
import { actingUser } from "./acting-user.ts";
import { mergedAnswer, standardEndpoint } from "./standard-route.ts";

/**
 * POST /v1/devices/op (7.2.7): AccessToken required; only devices bound to that user. The
 * commands' content is judged after both (operateDevices: 401 → 403 → 400, docs/design.md §3.6).
 * An op that passed those checks is recorded (its `OpID` in the answer, GET /v1/ops/{OpID}) while
 * the vendors are called; the devices a vendor refused are failed at once.
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
      const opId = newOpId(tracking.now());
      // Recorded beside the vendor call, not before it: the answer waits for both, and a report
      // that arrives before the record commits is found in the history (beginOp, timeOutDevices).
      let recorded: Promise<void> | undefined;
      const failures = await operateDevices(ctx, auth, commands, req.trace, async () => {
        recorded = beginOp(tracking, {
          opId,
          platId: req.platform.platId,
          userId: auth.userId,
          devices: trackedDevices(ctx, commands),
        });
        // Awaited below, after the vendor answered; an early failure must not go unhandled meanwhile.
        recorded.catch(() => undefined);
      }).catch(async (err: unknown) => {
        // A refused op still waits for its record, so that no write is left running behind it.
        await recorded?.catch(() => undefined);
        throw err;
      });
      try {
        await recorded;
        await failDevices(
          tracking,
          opId,
          failures.flatMap((f) => f.deviceIds),
        );
      } catch (err) {
        // The vendors were called: the app is told what they did, with no OpID to follow (an
        // error answer would invite a retry of a command that was carried out).
        ctx.log.warn({ err: String(err), opId }, "devices/op: op not recorded; answered without OpID");
        return mergedAnswer(failures);
      }
      return mergedAnswer(failures, { OpID: opId });
    },
    { idempotency: ctx.commands.idempotency },
  );

/** One row per device (a device named twice: its commands merged, the later winning). */
function trackedDevices(
  ctx: Pick<AccountCtx, "registry">,
  commands: readonly { deviceId: string; attrs: Record<string, string> }[],
): TrackedDevice[] {
  const byId = new Map<string, TrackedDevice>();
  for (const c of commands) {
    const known = byId.get(c.deviceId);
    if (known) Object.assign(known.attrs, c.attrs);
    else
      byId.set(c.deviceId, {
        udeviceId: c.deviceId,
        vendorPlatId: ctx.registry.vendorFor(c.deviceId)?.platId ?? "",
        attrs: { ...c.attrs },
      });
  }
  return [...byId.values()];
}
