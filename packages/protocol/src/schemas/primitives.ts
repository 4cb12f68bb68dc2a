/**
 * Field-level building blocks. The standard types every field as String, but vendors send numbers
 * and booleans; the rule is liberal in, canonical out (docs/design.md §3.2): accept the scalar, emit the
 * string.
 */
import { z } from "zod";

/**
 * A schema-level message that still says "required" for a missing field (a schema's own message
 * takes precedence over the per-parse one that says "required" everywhere else).
 */
export function orRequired(message: string) {
  return (issue: { input?: unknown }): string => (issue.input === undefined ? "required" : message);
}

/** "True"/"False", the standard's own spelling of booleans (e.g. `"onLine":"True"`). */
function scalarToString(v: string | number | boolean): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

/** A String field that tolerates a number or boolean and always comes out a string. */
export const scalarString = z
  .union([z.string(), z.number(), z.boolean()], { error: orRequired("must be a string, number or boolean") })
  .transform(scalarToString);

/**
 * An identifier (UserID, deviceID, loginID, …): a string, or an integer the lenient reader handed
 * over as a number (safe) or a digit string (beyond 2^53). Surrounding spaces are dropped: the
 * standard's examples send `" C89346112DD5"`, and no ID scheme gives a space meaning.
 */
export function idString(max: number) {
  return z
    .union([z.string(), z.int().nonnegative()], { error: orRequired("must be a string or an integer") })
    .transform((v) => String(v).trim())
    .pipe(
      z
        .string()
        .min(1, { error: "must not be empty" })
        .max(max, { error: `at most ${max} characters` }),
    );
}

/** Ceiling for IDs the standard leaves unbounded: generous, but bounded against hostile input. */
export const MAX_ID = 128;

/** A DeviceInfo field: a scalar string, or null (deviceInfo answers null the binding-only fields). */
export const nullableScalarString = scalarString.nullable();

/** An open key/value object whose values are canonicalised to strings (DeviceAttr, DeviceStatus). */
export const stringMap = z.record(z.string(), scalarString);

/** Epoch milliseconds as a digit string; a number is accepted and canonicalised. */
export const epochMs = z
  .union([z.string(), z.int().nonnegative()], { error: orRequired("must be epoch milliseconds") })
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d{1,16}$/, { error: "must be epoch milliseconds (digits)" }));
