import { z } from "zod";
import { parseDuration, parseDurationList } from "./duration.ts";

/**
 * Field schemas for environment variables. Every value arrives as a string; these turn it into
 * what the code uses (numbers, booleans, milliseconds) or say what is wrong with it.
 */

/** A string turned into a value by a parser that throws an Error saying what is wrong. */
export function parsedBy<T>(parse: (text: string) => T) {
  return z.string().transform((text, ctx): T => {
    try {
      return parse(text);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
      return z.NEVER;
    }
  });
}

/** `0` or `1`. */
export const flag = z.enum(["0", "1"], { error: 'must be "0" or "1"' }).transform((v) => v === "1");

export const positiveInt = z.coerce
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .positive("must be above 0");

export const url = z.url({ error: "must be a URL" });

export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

/** Milliseconds from a duration such as `30s` or `12h`. */
export const duration = parsedBy(parseDuration);

/** Milliseconds from comma-separated durations such as `0s,5s,30s`. */
export const durationList = parsedBy(parseDurationList);

/** A variable this deployable cannot start without; `why` tells the operator what it is for. */
export function required<T extends z.ZodType<unknown, string>>(field: T, why: string) {
  // Only a missing value gets this message; a malformed one gets the field's own.
  return z.string({ error: `required: ${why}` }).pipe(field);
}

/** `a, b,,c` → `["a", "b", "c"]`: a comma-separated list, entries trimmed, empty ones dropped. */
export const commaList = z.string().transform((v) =>
  v
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== ""),
);
