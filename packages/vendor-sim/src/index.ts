export {
  bareUserIdJson,
  type HubClient,
  type HubClientOptions,
  type HubSession,
  HubTransportError,
} from "./app-platform/hub-client.ts";
export {
  type AppPlatform,
  type AppPlatformOptions,
  type ReceivedReport,
  type ReceiverMode,
  startAppPlatform,
} from "./app-platform/index.ts";
export type { LinkageOutcome, LinkageRule } from "./app-platform/linkage.ts";
export type { CloudMode, ReceivedCall } from "./device-cloud/app.ts";
export {
  type CloudFaults,
  type DeviceCloud,
  type DeviceCloudOptions,
  type DeviceIdMode,
  type DeviceStatusForm,
  type SimReport,
  startDeviceCloud,
} from "./device-cloud/index.ts";
export { SESSION_GONE } from "./device-cloud/strict.ts";
export { defaultDevices, type SimDevice, type SimDeviceInfo, type SimDeviceSeed } from "./devices.ts";
export { requestSignatureHeaders, type SimPostResult, verifySignature } from "./shared/sign.ts";
