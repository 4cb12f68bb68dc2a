import { RetCode, retBody } from "@yunlian/protocol";
import type { IdempotencyCtx } from "../../services/commands/idempotency.ts";
import { bindDevices, unbindDevices } from "../../services/devices/bind.ts";
import type { AccountCtx } from "./account-context.ts";
import { actingUser } from "./acting-user.ts";
import { standardEndpoint } from "./standard-route.ts";

/** `{RetCode:"200", RetInfo, FailedIDs}`: per-device failures are listed, not fatal (7.2.1/7.2.2). */
function bindAnswer(requested: number, failed: Map<string, string>) {
  const info =
    failed.size === 0
      ? "ok"
      : `${failed.size} of ${requested} device(s) failed: ${[...failed].map(([id, why]) => `${id}: ${why}`).join("; ")}`;
  return { body: retBody(RetCode.OK, info, { FailedIDs: [...failed.keys()] }) };
}

function deviceIdsOf(devices: readonly { DeviceInfo?: { deviceID?: string | null } | null }[] | undefined) {
  return (devices ?? []).map((d) => d.DeviceInfo?.deviceID ?? "").filter((id) => id !== "");
}

/** POST /v1/user/bindDevices (7.2.1). */
export const userBindDevices = (ctx: AccountCtx & { idempotency: IdempotencyCtx }) =>
  standardEndpoint(
    "/v1/user/bindDevices",
    "user/bindDevices",
    async (req) => {
      const { userId } = await actingUser(ctx, req, { tokenRequired: false });
      const ids = deviceIdsOf(req.body.Device);
      const { failed } = await bindDevices(ctx, req.platform, userId, ids, req.trace);
      return bindAnswer(new Set(ids).size, failed);
    },
    { idempotency: ctx.idempotency },
  );

/** POST /v1/user/unbindDevices (7.2.2). */
export const userUnbindDevices = (ctx: AccountCtx & { idempotency: IdempotencyCtx }) =>
  standardEndpoint(
    "/v1/user/unbindDevices",
    "user/unbindDevices",
    async (req) => {
      const { userId } = await actingUser(ctx, req, { tokenRequired: false });
      const ids = deviceIdsOf(req.body.Device);
      const { failed } = await unbindDevices(ctx, userId, ids, req.trace);
      return bindAnswer(new Set(ids).size, failed);
    },
    { idempotency: ctx.idempotency },
  );
