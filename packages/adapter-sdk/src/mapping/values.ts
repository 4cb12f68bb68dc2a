import { z } from "zod";

/**
 * How one standard attribute's string value becomes a typed native value and back. The standard
 * carries every attribute as a string ("True", "3", "26"); native clouds type them.
 */
export const valueSpecShape = {
  type: z.enum(["bool", "int", "number", "string", "enum"]),
  /** enum: standard label → native value ("3" → 3, "cool" → "cold"). */
  values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** int/number: inclusive range of the standard value. */
  min: z.number().optional(),
  max: z.number().optional(),
  /** int: the native value is the standard value × 10^scale (Tuya-style fixed point). */
  scale: z.int().min(0).max(6).optional(),
};
const valueSpecSchema = z.object(valueSpecShape);
export type ValueSpec = z.infer<typeof valueSpecSchema>;
export type NativeValue = string | number | boolean;

export type Converted<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const no = (reason: string): Converted<never> => ({ ok: false, reason });

const TRUE = new Set(["true", "1", "on"]);
const FALSE = new Set(["false", "0", "off"]);

function inRange(spec: ValueSpec, n: number): boolean {
  return (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
}

/** The standard string → the native value; a reason when the mapping cannot express it. */
export function toNative(spec: ValueSpec, raw: string): Converted<NativeValue> {
  const text = raw.trim();
  switch (spec.type) {
    case "bool": {
      // Liberal in what we accept: the standard writes "True"/"False", some callers "true"/"1".
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return ok(true);
      if (FALSE.has(lower)) return ok(false);
      return no(`${JSON.stringify(raw)} is not "True" or "False"`);
    }
    case "int":
    case "number": {
      const n = Number(text);
      if (text === "" || !Number.isFinite(n)) return no(`${JSON.stringify(raw)} is not a number`);
      const factor = 10 ** (spec.scale ?? 0);
      if (spec.type === "int" && !Number.isInteger(n * factor)) {
        return no(`${JSON.stringify(raw)} has more decimals than the device supports`);
      }
      if (!inRange(spec, n)) return no(`${raw} is outside ${spec.min ?? "-∞"}…${spec.max ?? "∞"}`);
      return ok(spec.type === "int" ? Math.round(n * factor) : n);
    }
    case "string":
      return ok(raw);
    case "enum": {
      const value = spec.values?.[text];
      if (value === undefined) {
        return no(`${JSON.stringify(raw)} is not one of ${Object.keys(spec.values ?? {}).join(", ")}`);
      }
      return ok(value);
    }
  }
}

/** The native value → the standard string; a reason when the native value is outside the mapping. */
export function fromNative(spec: ValueSpec, value: unknown): Converted<string> {
  switch (spec.type) {
    case "bool":
      if (typeof value === "boolean") return ok(value ? "True" : "False");
      // Some firmwares report booleans as 0/1.
      if (value === 0 || value === 1) return ok(value === 1 ? "True" : "False");
      return no(`native ${JSON.stringify(value)} is not a boolean`);
    case "int":
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return no(`native ${JSON.stringify(value)} is not a number`);
      }
      return ok(String(spec.type === "int" ? value / 10 ** (spec.scale ?? 0) : value));
    }
    case "string":
      return typeof value === "string" ? ok(value) : no(`native ${JSON.stringify(value)} is not a string`);
    case "enum": {
      for (const [label, native] of Object.entries(spec.values ?? {})) {
        if (native === value) return ok(label);
      }
      return no(`native ${JSON.stringify(value)} has no label in the mapping`);
    }
  }
}

/** Checked once, by the config schema: an enum without labels can never convert anything. */
export function enumHasValues(spec: ValueSpec): boolean {
  return spec.type !== "enum" || Object.keys(spec.values ?? {}).length > 0;
}
