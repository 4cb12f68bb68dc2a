export type { DeviceIdsConfig, ValueSpec } from "@yunlian/adapter-sdk/mapping";
export { miotAdapter } from "./adapter.ts";
export { MiotCode, miotCode } from "./codes.ts";
export {
  type MiotConfig,
  type MiotDeviceType,
  type MiotProperty,
  miotConfigSchema,
  miotConfigSchema as configSchema,
} from "./config.ts";
export type { MiotDevice, MiotPropResult, MiotPropValue, MiotPush, MiotTokenAnswer } from "./wire.ts";
