export { standardAdapter } from "./adapter.ts";
export { type StandardConfig, standardConfigSchema } from "./config.ts";
export { type DeviceIdMode, deviceIdModeSchema } from "./device-id-mode.ts";
