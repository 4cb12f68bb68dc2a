import type { z } from "zod";
import { invalid } from "./hub-error.ts";

/** `value` checked against `schema`; the first problem is a 400 naming the field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, whole = "body"): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join(".") : whole;
    throw invalid(`${path}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
