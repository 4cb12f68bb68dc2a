import type { VendorPlatform } from "@yunlian/adapter-sdk";
import { type DeviceInfo, PREFIX_LENGTH, parseUDeviceId } from "@yunlian/protocol";
import { configOf } from "./config.ts";

/**
 * Device IDs between the hub (always UDeviceIDs) and a vendor configured with
 * `adapterConfig.deviceIds: "vendor"`, which names its devices by the UDeviceID's vendor part
 * (what follows the 13-character prefix, docs/design.md §3.1) as the standard's examples do
 * (`"DeviceID": "C8934610162D"`; 7.2.1 lets a vendor keep its own IDs mapped to UDeviceIDs).
 * Requests carry the vendor part; answers are mapped back to the UDeviceIDs the request named.
 */
export interface WireIds {
  /** The IDs as sent to the vendor, in the same order. */
  sent: string[];
  /** An ID the vendor answered with → the UDeviceID(s) of the request it stands for. */
  back(id: string): string[];
}

function vendorNamesDevices(platform: VendorPlatform): boolean {
  return configOf(platform.adapterConfig).deviceIds === "vendor";
}

export function wireIds(platform: VendorPlatform, udids: readonly string[]): WireIds {
  if (!vendorNamesDevices(platform)) return { sent: [...udids], back: (id) => [id] };
  const byWire = new Map<string, string[]>();
  const sent = udids.map((udid) => {
    const wire = udid.length > PREFIX_LENGTH ? udid.slice(PREFIX_LENGTH) : udid;
    byWire.set(wire, [...(byWire.get(wire) ?? []), udid]);
    return wire;
  });
  // An ID the vendor answers with that the request did not name is passed through unchanged:
  // the hub's own checks (bindings, manufacturer codes) then refuse it, never a guessed UDeviceID.
  return { sent, back: (id) => byWire.get(id) ?? [id] };
}

/** FailedIDs as UDeviceIDs: every request UDeviceID the vendor's ID stands for failed. */
export function failedBack(ids: WireIds, failed: readonly string[]): string[] {
  return [...new Set(failed.flatMap((id) => ids.back(id)))];
}

/**
 * A device the vendor listed (7.2.3) by its own ID: no request names it, so its UDeviceID is
 * rebuilt from the vendor's one manufacturer code and the BBCCC its deviceType starts with
 * (docs/design.md §3.1). With several manufacturer codes, or no usable deviceType, the ID stays the
 * vendor's and the hub's binding filter leaves the device out rather than guess.
 */
export function listedBack(platform: VendorPlatform, info: DeviceInfo): DeviceInfo {
  const id = info.deviceID;
  if (!vendorNamesDevices(platform) || id === undefined || parseUDeviceId(id).ok) return info;
  const [code, ...others] = platform.manufacturerCodes;
  const typeKey = typeof info.deviceType === "string" ? info.deviceType.slice(0, 5) : "";
  if (code === undefined || others.length > 0 || typeKey.length !== 5) return info;
  const udid = `${code}01${typeKey}${id}`;
  return parseUDeviceId(udid).ok ? { ...info, deviceID: udid } : info;
}
