export { ADAPTER_CONTRACT_VERSION, contractIncompatibility } from "./contract.ts";
export { AdapterError, type AdapterErrorKind, isAdapterError } from "./errors.ts";
export type { PostJsonOptions, SendOptions, VendorHttp, VendorMethod, VendorResponse } from "./http.ts";
export {
  AdapterPackageError,
  checkAdapter,
  type LoadAdaptersOptions,
  loadAdapterPackages,
} from "./load-adapters.ts";
export { type AdapterRegistry, createAdapterRegistry } from "./registry.ts";
export { memorySessionStore, withSession } from "./session.ts";
export type {
  Adapter,
  AdapterCall,
  BindResult,
  DeviceCommand,
  DeviceState,
  NormalisedReport,
  ReportDataType,
  SessionStore,
  VendorPlatform,
  VendorSession,
} from "./types.ts";
