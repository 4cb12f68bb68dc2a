export {
  formatUDeviceId,
  MAX_UDEVICEID_LENGTH,
  MAX_VENDOR_PART,
  manufacturerCodeOf,
  type ParseUDeviceIdResult,
  PREFIX_LENGTH,
  parseUDeviceId,
  type UDeviceIdInput,
  type UDeviceIdPart,
  type UDeviceIdParts,
} from "./codec.ts";
export { type DeviceTypeParts, formatDeviceType, parseDeviceType } from "./device-type.ts";
export {
  applianceClass,
  type Category,
  type CodeName,
  categories,
  categoryOf,
  reservedTvSubCategories,
  subCategoryOf,
} from "./tables.ts";
