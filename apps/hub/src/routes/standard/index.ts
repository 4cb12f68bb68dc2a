import { dataGateway } from "./data-gateway.ts";
import { devicesDeviceInfo, devicesModifyDeviceInfo } from "./devices-info.ts";
import { devicesOp } from "./devices-op.ts";
import { devicesDeviceStatus } from "./devices-status.ts";
import type { StandardEndpoint } from "./standard-route.ts";
import { userBindDevices, userUnbindDevices } from "./user-bind-devices.ts";
import { userLogin } from "./user-login.ts";
import { userLogout } from "./user-logout.ts";
import { userUnregister } from "./user-unregister.ts";
import { userVerify } from "./user-verify.ts";
import { usersDevices } from "./users-devices.ts";

/** Every POST interface the hub serves to platforms (standard §7 A→B, the verify callback, reports in). */
export const standardEndpoints: readonly StandardEndpoint[] = [
  userLogin,
  userLogout,
  userUnregister,
  userVerify,
  userBindDevices,
  userUnbindDevices,
  usersDevices,
  devicesDeviceInfo,
  devicesModifyDeviceInfo,
  devicesDeviceStatus,
  devicesOp,
  dataGateway,
];
