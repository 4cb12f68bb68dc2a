export { miotAdapter } from "./adapter.ts";
export { MiotCode, miotCode } from "./codes.ts";
export {
  type MiotConfig,
  type MiotDeviceType,
  type MiotProperty,
  miotConfigSchema,
  miotConfigSchema as configSchema,
} from "./config.ts";
export type { DeviceIdsConfig } from "./ids.ts";
export type { ValueSpec } from "./values.ts";
export type { MiotDevice, MiotPropResult, MiotPropValue, MiotPush, MiotTokenAnswer } from "./wire.ts";
