import { toNative } from "@yunlian/adapter-sdk/mapping";
import { type TuyaConfigInput, tuyaConfigSchema } from "../src/index.ts";

/** Standard attrs → the DP changes (code → value) a person at the appliance would make. */
export function nativeDps(input: TuyaConfigInput, udid: string, attrs: Record<string, string>) {
  const type = tuyaConfigSchema.parse(input).deviceTypes[udid.slice(8, 13)];
  const dps: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(attrs)) {
    const dp = type?.dataPoints[name];
    const value = dp && toNative(dp, raw);
    if (!dp || !value?.ok) throw new Error(`test: ${name}=${raw} not mappable`);
    dps[dp.code] = value.value;
  }
  return dps;
}
