import { toNative } from "@yunlian/adapter-sdk/mapping";
import type { MiotConfig } from "../src/index.ts";

/** Standard attrs → the "siid.piid" → value changes a person at the appliance would make. */
export function nativeProps(config: MiotConfig, udid: string, attrs: Record<string, string>) {
  const type = config.deviceTypes[udid.slice(8, 13)];
  const props: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(attrs)) {
    const spec = type?.properties[name];
    const value = spec && toNative(spec, raw);
    if (!spec || !value?.ok) throw new Error(`test: ${name}=${raw} not mappable`);
    props[`${spec.siid}.${spec.piid}`] = value.value;
  }
  return props;
}
