import type { Adapter } from "@yunlian/adapter-sdk";
import { type TuyaConfig, tuyaConfigSchema } from "./config.ts";
import { changeBinding, deviceInfo, listDevices, modifyDeviceInfo } from "./devices.ts";
import { parseTuyaReport } from "./report.ts";
import { asUser, login, logout, unregister } from "./session.ts";
import { deviceStatus, op } from "./status.ts";

export const tuyaAdapter: Adapter<TuyaConfig> = {
  name: "tuya",
  configSchema: tuyaConfigSchema,
  login,
  logout,
  unregister,
  bind: (call, ids) => asUser(call, (uid) => changeBinding(call, uid, ids, true)),
  unbind: (call, ids) => asUser(call, (uid) => changeBinding(call, uid, ids, false)),
  listDevices: (call, filter) => asUser(call, (uid) => listDevices(call, uid, filter)),
  deviceInfo: (call, ids) => asUser(call, (uid) => deviceInfo(call, uid, ids)),
  modifyDeviceInfo: (call, devices) => asUser(call, (uid) => modifyDeviceInfo(call, uid, devices)),
  deviceStatus: (call, ids) => asUser(call, (uid) => deviceStatus(call, uid, ids)),
  op: (call, commands) => asUser(call, (uid) => op(call, uid, commands)),
  parseReport: parseTuyaReport,
};
