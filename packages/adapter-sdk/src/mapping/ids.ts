import { PREFIX_LENGTH, parseUDeviceId } from "@yunlian/protocol";
import { z } from "zod";
import { AdapterError } from "../errors.ts";

/**
 * How a UDeviceID names the native device. `suffix`: the vendor part (everything after the 13-char
 * prefix) is the native id, and the prefix is rebuilt from the device type the native model maps
 * to. `table`: an explicit UDeviceID → native id table, for native ids that are not valid vendor
 * parts (dots, too long) or that the vendor wants hidden.
 */
export const deviceIdsSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("suffix") }),
  z.object({ mode: z.literal("table"), devices: z.record(z.string(), z.string().min(1)) }),
]);
export type DeviceIdsConfig = z.infer<typeof deviceIdsSchema>;

export interface IdMap {
  /** The native id, or undefined when this vendor cannot own the UDeviceID. */
  nativeOf(udid: string): string | undefined;
  /** The BBCCC device-type key of a UDeviceID (characters 9–13). */
  typeKeyOf(udid: string): string;
  /** The UDeviceID of a native device of the given type key, or undefined when it has none. */
  udidOf(nativeId: string, typeKey: string | undefined): string | undefined;
}

export function createIdMap(config: DeviceIdsConfig, manufacturerCode: string): IdMap {
  const reverse = new Map<string, string>();
  if (config.mode === "table") {
    for (const [udid, nativeId] of Object.entries(config.devices)) reverse.set(nativeId, udid);
  }
  return {
    nativeOf(udid) {
      if (!udid.startsWith(manufacturerCode) || !parseUDeviceId(udid).ok) return undefined;
      if (config.mode !== "table") return udid.slice(PREFIX_LENGTH);
      return Object.hasOwn(config.devices, udid) ? config.devices[udid] : undefined;
    },
    typeKeyOf: (udid) => udid.slice(8, PREFIX_LENGTH),
    udidOf(nativeId, typeKey) {
      if (config.mode === "table") return reverse.get(nativeId);
      if (typeKey === undefined) return undefined;
      const udid = `${manufacturerCode}01${typeKey}${nativeId}`;
      return parseUDeviceId(udid).ok ? udid : undefined;
    },
  };
}

/** Native id or an AdapterError("invalid") naming the device: for calls that cannot skip one. */
export function requireNative(ids: IdMap, udid: string, platId: string): string {
  const nativeId = ids.nativeOf(udid);
  if (nativeId === undefined)
    throw new AdapterError("invalid", `${platId}: ${udid} is not a device of this vendor`);
  return nativeId;
}
