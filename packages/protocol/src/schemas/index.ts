export * from "./data-gateway.ts";
export * from "./device-apis.ts";
export * from "./envelope.ts";
export { formatPath, summariseIssues } from "./issues.ts";
export {
  Device,
  DeviceAttr,
  DeviceEntry,
  DeviceInfo,
  DeviceInfoWithId,
  deviceId,
  loginId,
  loginName,
  User,
  UserBase,
  UserEntry,
  UserProfile,
  userStatus,
} from "./objects.ts";
export { epochMs, idString, scalarString, stringMap } from "./primitives.ts";
export * from "./registry.ts";
export * from "./user-apis.ts";
