import { PREFIX_LENGTH } from "@yunlian/protocol";

/**
 * How the cloud names its devices on the wire. `udevice` (default): the full UDeviceID. `vendor`:
 * the cloud's own ID, the UDeviceID's vendor part (everything after the 13-character prefix), as
 * the standard's examples do (`"DeviceID": "C8934610162D"`; 7.2.1 calls it the 设备编码DeviceID and
 * lets a cloud keep its own IDs mapped to UDeviceIDs).
 */
export type DeviceIdMode = "udevice" | "vendor";

export interface WireIds {
  /** An ID a request named → the UDeviceID the cloud keys its state by (unknown IDs unchanged). */
  inbound(id: string): string;
  /** A UDeviceID → the ID the cloud writes in answers and reports. */
  outbound(udid: string): string;
  /** A RetInfo with every UDeviceID it names written the cloud's way. */
  outboundText(text: string): string;
}

const SAME: WireIds = { inbound: (id) => id, outbound: (id) => id, outboundText: (text) => text };

/** In vendor mode both the vendor ID and the full UDeviceID are accepted in requests. */
export function wireIds(mode: DeviceIdMode | undefined, udids: Iterable<string>): WireIds {
  if (mode !== "vendor") return SAME;
  const byVendorId = new Map<string, string>();
  for (const udid of udids) byVendorId.set(udid.slice(PREFIX_LENGTH), udid);
  return {
    inbound: (id) => byVendorId.get(id) ?? id,
    outbound: (udid) => {
      const vendorId = udid.slice(PREFIX_LENGTH);
      return byVendorId.get(vendorId) === udid ? vendorId : udid;
    },
    // Failures are rare and a sim holds few devices: a scan per refusal is cheap.
    outboundText: (text) => {
      let out = text;
      for (const [vendorId, udid] of byVendorId) out = out.replaceAll(udid, vendorId);
      return out;
    },
  };
}

type Entry = { DeviceInfo?: { deviceID?: unknown } & Record<string, unknown> } & Record<string, unknown>;

function mapEntries(list: unknown, map: (id: string) => string): unknown {
  if (!Array.isArray(list)) return list;
  return (list as Entry[]).map((entry) => {
    const id = entry?.DeviceInfo?.deviceID;
    if (typeof id !== "string") return entry;
    return { ...entry, DeviceInfo: { ...entry.DeviceInfo, deviceID: map(id) } };
  });
}

/** A parsed request body with every Device[].DeviceInfo.deviceID read into a UDeviceID. */
export function inboundBody(ids: WireIds, body: Record<string, unknown>): Record<string, unknown> {
  return ids === SAME ? body : { ...body, Device: mapEntries(body.Device, ids.inbound) };
}

/** An answer's payload with FailedIDs and Device[].DeviceInfo.deviceID written in the cloud's IDs. */
export function outboundExtra(
  ids: WireIds,
  extra: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (ids === SAME || extra === undefined) return extra;
  const out: Record<string, unknown> = { ...extra };
  if (Array.isArray(extra.FailedIDs)) out.FailedIDs = (extra.FailedIDs as string[]).map(ids.outbound);
  if (extra.Device !== undefined) out.Device = mapEntries(extra.Device, ids.outbound);
  return out;
}
