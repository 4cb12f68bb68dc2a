import { parseLenientJson } from "@yunlian/protocol";

/**
 * Report text with a DeviceStatus given as a JSON string (table 50 types it String) turned into
 * the object the examples show, so the protocol's schema reads either. Keys are trimmed by the
 * lenient reader first, so `" DeviceStatus"` is found too. Text that is not JSON, or a string that
 * does not hold a JSON object, is returned unchanged for the schema to refuse with its own words.
 */
export function withDeviceStatusObject(text: string): string {
  const outer = parseLenientJson(text);
  if (!outer.ok || outer.value === null || typeof outer.value !== "object" || Array.isArray(outer.value))
    return text;
  const body = outer.value as Record<string, unknown>;
  if (typeof body.DeviceStatus !== "string") return text;
  const inner = parseLenientJson(body.DeviceStatus);
  if (!inner.ok || inner.value === null || typeof inner.value !== "object" || Array.isArray(inner.value))
    return text;
  return JSON.stringify({ ...body, DeviceStatus: inner.value });
}
