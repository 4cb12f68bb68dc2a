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

/** One standard attribute on one Tuya data point (DP) code. */
const tuyaDataPointSchema = z
  .object({ code: z.string().min(1), ...valueSpecShape })
  .refine(enumHasValues, { error: "an enum data point needs `values`" });
export type TuyaDataPoint = z.infer<typeof tuyaDataPointSchema>;

const tuyaDeviceTypeSchema = z.object({
  /** The DeviceInfo.deviceType the hub sees (BBCCC + D digits); default the key itself. */
  deviceType: z
    .string()
    .regex(/^\d{5,}$/)
    .optional(),
  /** Tuya product ids (`product_id`, `productKey` in pushes) of this type. */
  productIds: z.array(z.string().min(1)).default([]),
  dataPoints: z.record(z.string().min(1), tuyaDataPointSchema),
});
export type TuyaDeviceType = z.infer<typeof tuyaDeviceTypeSchema>;

export const tuyaConfigSchema = z.object({
  /** The cloud project's Access ID. */
  clientId: z.string().min(1),
  /** The project's Access Secret: a secret, stored encrypted by the hub and never echoed. */
  clientSecret: z.string().min(1),
  /** The app schema hub users are registered under. */
  schema: z.string().min(1).default("yunlian"),
  countryCode: z
    .string()
    .regex(/^\d{1,4}$/)
    .default("86"),
  manufacturerCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  deviceIds: deviceIdsSchema.default({ mode: "suffix" }),
  deviceTypes: z.record(
    z.string().regex(/^\d{5}$/, { error: "a BBCCC key of 5 digits" }),
    tuyaDeviceTypeSchema,
  ),
  /** Refresh the project token this long before it expires. */
  tokenRefreshMarginSeconds: z.number().min(0).max(3600).default(60),
  brand: z.string().optional(),
  manufacturer: z.string().optional(),
  timeoutMs: z.int().positive().max(120_000).optional(),
});
export type TuyaConfig = z.infer<typeof tuyaConfigSchema>;
export type TuyaConfigInput = z.input<typeof tuyaConfigSchema>;

export type Resolved = ResolvedBase<TuyaConfig> & {
  /** product_id → BBCCC key. */
  typeOfProduct: Map<string, string>;
};

/** Parsed once per config object (the hub hands over the same object for every call). */
export const resolve: (platform: VendorPlatform) => Resolved = configResolver(
  tuyaConfigSchema,
  ({ config }) => ({ typeOfProduct: indexByType(config.deviceTypes, (type) => type.productIds) }),
);

export function typeOf(r: Resolved, udid: string): TuyaDeviceType {
  return deviceTypeOf(r.config.deviceTypes, r.ids, udid);
}
