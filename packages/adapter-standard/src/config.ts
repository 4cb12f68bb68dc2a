import { z } from "zod";
import { deviceIdModeSchema } from "./device-id-mode.ts";

/** Per-vendor settings of the standard adapter; `{}` is a complete config. */
export const standardConfigSchema = z.object({
  /** Overrides the hub's vendor timeout for this vendor (a known-slow cloud). */
  timeoutMs: z.number().int().positive().max(120_000).optional(),
  /** How the vendor names devices on the wire (device-id-mode.ts); "udevice" when unset. */
  deviceIds: deviceIdModeSchema.optional(),
});

export type StandardConfig = z.infer<typeof standardConfigSchema>;

const cache = new WeakMap<object, StandardConfig>();

/** Parsed once per config object: the hub hands over the same object for every call. */
export function configOf(adapterConfig: unknown): StandardConfig {
  if (adapterConfig === null || typeof adapterConfig !== "object") return {};
  const hit = cache.get(adapterConfig);
  if (hit) return hit;
  const parsed = standardConfigSchema.safeParse(adapterConfig);
  const config = parsed.success ? parsed.data : {};
  cache.set(adapterConfig, config);
  return config;
}
