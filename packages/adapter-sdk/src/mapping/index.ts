// Building blocks for adapters of native clouds: standard string values ↔ typed native values,
// and UDeviceIDs ↔ native device ids, both driven by the adapter's config.
export { configResolver, deviceTypeOf, indexByType, type ResolvedBase } from "./config-resolver.ts";
export { createIdMap, type DeviceIdsConfig, deviceIdsSchema, type IdMap, requireNative } from "./ids.ts";
export {
  type Converted,
  enumHasValues,
  fromNative,
  type NativeValue,
  toNative,
  type ValueSpec,
  valueSpecShape,
} from "./values.ts";
