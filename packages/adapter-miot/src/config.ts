import type { VendorPlatform } from "@yunlian/adapter-sdk";
import {
  configResolver,
  deviceIdsSchema,
  deviceTypeOf,
  enumHasValues,
  indexByType,
  type ResolvedBase,
  valueSpecShape,
} from "@yunlian/adapter-sdk/mapping";
import { z } from "zod";

/** One standard attribute on one MIoT property. */
const miotPropertySchema = z
  .object({ siid: z.int().positive(), piid: z.int().positive(), ...valueSpecShape })
  .refine(enumHasValues, { error: "an enum property needs `values`" });
export type MiotProperty = z.infer<typeof miotPropertySchema>;

/** One device type (BBCCC key): which native models it covers and its attribute mapping. */
const miotDeviceTypeSchema = z.object({
  /** The DeviceInfo.deviceType the hub sees (BBCCC + D digits); default the key itself. */
  deviceType: z
    .string()
    .regex(/^\d{5,}$/)
    .optional(),
  /** Native model names of this type, e.g. "yunlian.washer.sim1". */
  models: z.array(z.string().min(1)).default([]),
  properties: z.record(z.string().min(1), miotPropertySchema),
});
export type MiotDeviceType = z.infer<typeof miotDeviceTypeSchema>;

export const miotConfigSchema = z.object({
  /** The client the MIoT cloud registered for the hub (OAuth client). */
  clientId: z.string().min(1),
  /** Secret: the hub stores adapterConfig encrypted and never echoes this field. */
  clientSecret: z.string().min(1),
  /** Default: the platform's first manufacturer code. */
  manufacturerCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  deviceIds: deviceIdsSchema.default({ mode: "suffix" }),
  deviceTypes: z.record(
    z.string().regex(/^\d{5}$/, { error: "a BBCCC key of 5 digits" }),
    miotDeviceTypeSchema,
  ),
  brand: z.string().optional(),
  manufacturer: z.string().optional(),
  timeoutMs: z.int().positive().max(120_000).optional(),
});
export type MiotConfig = z.infer<typeof miotConfigSchema>;

export type Resolved = ResolvedBase<MiotConfig> & {
  /** Native model → BBCCC key. */
  typeOfModel: Map<string, string>;
};

/** Parsed once per config object (the hub hands over the same object for every call). */
export const resolve: (platform: VendorPlatform) => Resolved = configResolver(
  miotConfigSchema,
  ({ config }) => ({ typeOfModel: indexByType(config.deviceTypes, (type) => type.models) }),
);

/** The mapping of the UDeviceID's type, or AdapterError("invalid") naming the device. */
export function typeOf(r: Resolved, udid: string): MiotDeviceType {
  return deviceTypeOf(r.config.deviceTypes, r.ids, udid);
}
