import type { DeviceInfo } from "@yunlian/protocol";

/** Table 11's DeviceInfo fields: what the device is, the same for every user. */
const DEVICE_FIELDS: ReadonlySet<string> = new Set([
  "deviceID",
  "deviceIDType",
  "deviceType",
  "model",
  "manufacturer",
  "brand",
  "accessWay",
]);

/**
 * A vendor's deviceInfo answer as a user who has not bound the device may see it (standard
 * 7.2.4: fields of the binding, such as `name`, answer null). The hub cannot tell a vendor's
 * extension of DeviceInfo from a field of someone else's binding, so every field beyond table 11
 * is null: what another user called the device never leaks to a stranger who scanned it.
 */
export function withoutBindingFields(info: DeviceInfo): DeviceInfo {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info)) out[key] = DEVICE_FIELDS.has(key) ? value : null;
  return out as DeviceInfo;
}
