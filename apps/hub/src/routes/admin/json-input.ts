import type { Context } from "hono";
import type { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";

/** Reads and validates a JSON admin body; every problem is a 400 naming the field. */
export async function jsonInput<S extends z.ZodType>(c: Context<HubEnv>, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch (err) {
    throw invalid(`body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join(".") : "body";
    throw invalid(`${path}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
