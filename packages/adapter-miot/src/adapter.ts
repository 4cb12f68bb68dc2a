import { type Adapter, type AdapterCall, withSession } from "@yunlian/adapter-sdk";
import { type MiotConfig, miotConfigSchema } from "./config.ts";
import { changeBinding, deviceInfo, listDevices, modifyDeviceInfo } from "./devices.ts";
import { deviceStatus, op } from "./properties.ts";
import { parseMiotReport } from "./report.ts";
import { login, logout, unregister } from "./session.ts";

/** Runs `fn` with the user's MIoT token; a token the cloud dropped means one fresh login. */
const withToken = <T>(call: AdapterCall, fn: (token: string) => Promise<T>) =>
  withSession(call, { login }, (session) => fn(session.accessToken));

export const miotAdapter: Adapter<MiotConfig> = {
  name: "miot",
  configSchema: miotConfigSchema,
  login,
  logout,

  async unregister(call) {
    await withToken(call, (token) => unregister(call, token));
    await call.sessions.clear();
  },

  bind: (call, ids) => withToken(call, (token) => changeBinding(call, token, "/device/bind", ids)),
  unbind: (call, ids) => withToken(call, (token) => changeBinding(call, token, "/device/unbind", ids)),
  listDevices: (call, filter) => withToken(call, (token) => listDevices(call, token, filter)),
  deviceInfo: (call, ids) => withToken(call, (token) => deviceInfo(call, token, ids)),
  modifyDeviceInfo: (call, devices) => withToken(call, (token) => modifyDeviceInfo(call, token, devices)),
  deviceStatus: (call, ids) => withToken(call, (token) => deviceStatus(call, token, ids)),
  op: (call, commands) => withToken(call, (token) => op(call, token, commands)),
  parseReport: parseMiotReport,
};
