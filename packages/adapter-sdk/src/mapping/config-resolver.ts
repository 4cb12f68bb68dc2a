import type { z } from "zod";
import { AdapterError } from "../errors.ts";
import type { VendorPlatform } from "../types.ts";
import { createIdMap, type DeviceIdsConfig, type IdMap } from "./ids.ts";

/** What every native adapter derives from its adapterConfig: the parsed config and its id map. */
export interface ResolvedBase<C> {
  config: C;
  ids: IdMap;
}

/**
 * Parses a platform's adapterConfig once per config object (the hub hands the same object to every
 * call) and builds the adapter's lookup tables from it; a config that does not parse is an
 * AdapterError("invalid") naming the platform and the field.
 */
export function configResolver<C extends { deviceIds: DeviceIdsConfig; manufacturerCode?: string }, R>(
  schema: z.ZodType<C>,
  build: (base: ResolvedBase<C>) => R,
): (platform: VendorPlatform) => ResolvedBase<C> & R {
  const cache = new WeakMap<object, ResolvedBase<C> & R>();
  return (platform) => {
    const raw = platform.adapterConfig;
    const key = raw !== null && typeof raw === "object" ? raw : undefined;
    const hit = key && cache.get(key);
    if (hit) return hit;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AdapterError(
        "invalid",
        `${platform.platId} adapterConfig: ${issue?.path.join(".")} ${issue?.message}`,
      );
    }
    const config = parsed.data;
    const code = config.manufacturerCode ?? platform.manufacturerCodes[0];
    if (code === undefined) throw new AdapterError("invalid", `${platform.platId}: no manufacturer code`);
    const base = { config, ids: createIdMap(config.deviceIds, code) };
    const resolved = { ...base, ...build(base) };
    if (key) cache.set(key, resolved);
    return resolved;
  };
}

/** Native model/product id → the BBCCC key of the device type that lists it. */
export function indexByType<T>(deviceTypes: Record<string, T>, nativeIds: (type: T) => readonly string[]) {
  const index = new Map<string, string>();
  for (const [typeKey, type] of Object.entries(deviceTypes)) {
    for (const id of nativeIds(type)) index.set(id, typeKey);
  }
  return index;
}

/** The attribute mapping for a UDeviceID's device type, or AdapterError("invalid") naming the device. */
export function deviceTypeOf<T>(deviceTypes: Record<string, T>, ids: IdMap, udid: string): T {
  const type = deviceTypes[ids.typeKeyOf(udid)];
  if (type === undefined)
    throw new AdapterError("invalid", `${udid}: no attribute mapping for its device type`);
  return type;
}
