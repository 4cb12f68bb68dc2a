import { parseUDeviceId } from "@yunlian/protocol";
import { forbidden, invalid, notFound } from "../../lib/hub-error.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import { namespaceRefusal } from "./namespace.ts";

interface NamedDevice {
  DeviceInfo?: { deviceID?: string | null } | null;
}

/**
 * The UDeviceIDs a request names, in request order, each one checked (docs/design.md §3.1): a
 * malformed ID is 400 naming the entry, so nothing reaches a vendor for a request that is wrong.
 */
export function namedDeviceIds(devices: readonly NamedDevice[] | undefined): string[] {
  if (!devices || devices.length === 0) throw invalid("Device: at least one device is required");
  return devices.map((d, i) => {
    const id = d.DeviceInfo?.deviceID;
    // The field's name is built only for a refusal: this runs for every device of every call.
    if (!id) throw invalid(`${deviceIdField(i)}: required`);
    const parsed = parseUDeviceId(id);
    if (!parsed.ok)
      throw invalid(
        `${deviceIdField(i)}: "${id}" is not a UDeviceID (${parsed.error.part}: ${parsed.error.reason})`,
      );
    return id;
  });
}

const deviceIdField = (i: number) => `Device[${i}].DeviceInfo.deviceID`;

/**
 * Groups devices by owning vendor; an unregistered manufacturer code is 404. With the `caller`,
 * a vendor in the other namespace (sandbox / production) is 403 (namespace.ts).
 */
export function groupByVendor(
  registry: PlatformRegistry,
  ids: readonly string[],
  caller?: PlatformRecord,
): Map<PlatformRecord, string[]> {
  const groups = new Map<PlatformRecord, string[]>();
  for (const id of ids) {
    const vendor = registry.vendorFor(id);
    if (!vendor)
      throw notFound(`device ${id}: no registered vendor owns manufacturer code ${id.slice(0, 6)}`);
    const refusal = caller && namespaceRefusal(caller, vendor, id);
    if (refusal) throw forbidden(refusal);
    const list = groups.get(vendor);
    if (list) list.push(id);
    else groups.set(vendor, [id]);
  }
  return groups;
}
