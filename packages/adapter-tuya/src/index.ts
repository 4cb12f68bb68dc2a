export type { DeviceIdsConfig, ValueSpec } from "@yunlian/adapter-sdk/mapping";
export { tuyaAdapter } from "./adapter.ts";
export { TuyaCode, type TuyaEnvelope } from "./codes.ts";
export {
  type TuyaConfig,
  type TuyaConfigInput,
  type TuyaDataPoint,
  type TuyaDeviceType,
  tuyaConfigSchema,
  tuyaConfigSchema as configSchema,
} from "./config.ts";
export { canonicalUrl, type SignInput, sha256Hex, stringToSign, tuyaSign } from "./sign.ts";
export type { TuyaBizPush, TuyaDevice, TuyaPush, TuyaStatus, TuyaStatusPush } from "./wire.ts";
