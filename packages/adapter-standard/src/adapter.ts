import {
  type Adapter,
  type AdapterCall,
  AdapterError,
  type VendorSession,
  withSession,
} from "@yunlian/adapter-sdk";
import type { ApiName, DeviceInfo, ResponseOf } from "@yunlian/protocol";
import { callVendor } from "./client.ts";
import { type StandardConfig, standardConfigSchema } from "./config.ts";
import { parseStandardReport } from "./report.ts";
import { statesInRequestOrder } from "./status.ts";
import { failedBack, listedBack, wireIds } from "./vendor-ids.ts";

/** The hub-as-A login of standard 7.1.1; the vendor verifies the AuthToken at the hub's verify URL. */
async function login(call: AdapterCall): Promise<VendorSession> {
  const authToken = await call.issueAuthToken();
  const body = { User: [{ UserBase: { loginID: call.user.userId } }], AuthToken: authToken };
  const { body: answer, headers } = await callVendor(call, "user/login", body);
  const vendorUserId = answer.User?.[0]?.UserBase.userID;
  // Table 18 puts the AccessToken in the response header; some clouds echo it in the body too.
  const bodyToken = (answer as { AccessToken?: unknown }).AccessToken;
  const accessToken = headers.accesstoken ?? (typeof bodyToken === "string" ? bodyToken : undefined);
  if (!vendorUserId || !accessToken) {
    throw new AdapterError(
      "bad_response",
      `${call.platform.platId} user/login: no userID or AccessToken in the answer`,
    );
  }
  return { vendorUserId, accessToken };
}

/** A session-bound call: UserID from the session, AccessToken in the header, one re-login on 401. */
function sessionCall<K extends ApiName>(call: AdapterCall, api: K, body: Record<string, unknown>) {
  return withSession(call, { login }, async (session) => {
    const answer = await callVendor(
      call,
      api,
      { UserID: session.vendorUserId, ...body },
      session.accessToken,
    );
    return answer.body as ResponseOf<K> & { RetInfo: string };
  });
}

const named = (ids: string[]) => ids.map((deviceID) => ({ DeviceInfo: { deviceID } }));

export const standardAdapter: Adapter<StandardConfig> = {
  name: "standard",
  configSchema: standardConfigSchema,
  login,

  /**
   * 7.1.2 with the stored session. The store is cleared whatever the vendor answers (the hub user
   * is leaving either way, and a dead vendor token is harmless); a failure is still thrown after,
   * so the hub can log the outcome.
   */
  async logout(call) {
    const session = await call.sessions.load();
    try {
      if (session) await callVendor(call, "user/logout", {}, session.accessToken);
    } finally {
      await call.sessions.clear();
    }
  },

  async unregister(call) {
    await sessionCall(call, "user/unregister", {
      User: [{ UserBase: { loginID: call.user.userId, status: "2" } }],
    });
    await call.sessions.clear();
  },

  async bind(call, deviceIds) {
    const ids = wireIds(call.platform, deviceIds);
    const answer = await sessionCall(call, "user/bindDevices", { Device: named(ids.sent) });
    return answer.FailedIDs.length > 0
      ? { failedIds: failedBack(ids, answer.FailedIDs), info: answer.RetInfo }
      : { failedIds: [] };
  },

  async unbind(call, deviceIds) {
    const ids = wireIds(call.platform, deviceIds);
    const answer = await sessionCall(call, "user/unbindDevices", { Device: named(ids.sent) });
    return answer.FailedIDs.length > 0
      ? { failedIds: failedBack(ids, answer.FailedIDs), info: answer.RetInfo }
      : { failedIds: [] };
  },

  async listDevices(call, filter) {
    const hasFilter = filter !== undefined && Object.keys(filter).length > 0;
    const answer = await sessionCall(
      call,
      "users/devices",
      hasFilter ? { Device: [{ DeviceInfo: filter }] } : {},
    );
    return answer.Device.map((d) => listedBack(call.platform, d.DeviceInfo as DeviceInfo));
  },

  async deviceInfo(call, deviceIds) {
    const ids = wireIds(call.platform, deviceIds);
    const answer = await sessionCall(call, "devices/deviceInfo", { Device: named(ids.sent) });
    return answer.Device.map((d) => {
      const info = d.DeviceInfo as DeviceInfo;
      return { ...info, deviceID: ids.back(info.deviceID ?? "")[0] ?? info.deviceID };
    });
  },

  async modifyDeviceInfo(call, devices) {
    const ids = wireIds(
      call.platform,
      devices.map((d) => d.deviceID ?? ""),
    );
    await sessionCall(call, "devices/modifyDeviceInfo", {
      Device: devices.map((DeviceInfo, i) => ({ DeviceInfo: { ...DeviceInfo, deviceID: ids.sent[i] } })),
    });
  },

  async deviceStatus(call, deviceIds) {
    const ids = wireIds(call.platform, deviceIds);
    const answer = await sessionCall(call, "devices/deviceStatus", { Device: named(ids.sent) });
    // Read in the vendor's IDs (its echoes, if any, name them), then labelled with the request's UDeviceIDs.
    const states = statesInRequestOrder(call.platform.platId, ids.sent, answer.Device);
    return states.map((state, i) => ({ ...state, deviceId: deviceIds[i] ?? state.deviceId }));
  },

  async op(call, commands) {
    const ids = wireIds(
      call.platform,
      commands.map((c) => c.deviceId),
    );
    const Device = commands.map((c, i) => ({ DeviceInfo: { deviceID: ids.sent[i] }, DeviceAttr: c.attrs }));
    await sessionCall(call, "devices/op", { Device });
  },

  parseReport: parseStandardReport,
};
