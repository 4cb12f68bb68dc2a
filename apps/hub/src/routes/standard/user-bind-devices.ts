import { RetCode, retBody } from "@yunlian/protocol";
import { bindDevices, unbindDevices } from "../../services/devices/bind.ts";
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

/** POST /v1/user/bindDevices and /v1/user/unbindDevices. */
export const userBindDevices = standardEndpoint("/v1/user/bindDevices", "user/bindDevices", async (req) => {
  const { userId } = await actingUser(req, { tokenRequired: false });
  const ids = deviceIdsOf(req.body.Device);
  const { failed } = await bindDevices(req.services, req.platform, userId, ids, req.trace);
  return bindAnswer(new Set(ids).size, failed);
});

export const userUnbindDevices = standardEndpoint(
  "/v1/user/unbindDevices",
  "user/unbindDevices",
  async (req) => {
    const { userId } = await actingUser(req, { tokenRequired: false });
    const ids = deviceIdsOf(req.body.Device);
    const { failed } = await unbindDevices(req.services, userId, ids, req.trace);
    return bindAnswer(new Set(ids).size, failed);
  },
);
