import { parseLenientJson } from "@yunlian/protocol";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A report body as JSON text the protocol's schema can read. Table 50 types DeviceStatus String
 * while every example shows an object, so a vendor may send either: a string holding a JSON
 * object is unwrapped. Keys are trimmed by the lenient reader first, so `" DeviceStatus"` (the
 * online/offline examples) is found as well. Anything else is left for the schema to refuse.
 */
export function reportText(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body ?? null);
  const outer = parseLenientJson(text);
  if (!outer.ok || !isObject(outer.value) || typeof outer.value.DeviceStatus !== "string") return text;
  const inner = parseLenientJson(outer.value.DeviceStatus);
  if (!inner.ok || !isObject(inner.value)) return text;
  return JSON.stringify({ ...outer.value, DeviceStatus: inner.value });
}
