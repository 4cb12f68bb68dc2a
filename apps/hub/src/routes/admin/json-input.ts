import { parseLenientJson } from "@yunlian/protocol";
import type { Context } from "hono";
import type { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";

/**
 * Reads and validates a JSON admin body; every problem is a 400 naming the field. Read with the
 * protocol's JSON reader for its hostile-input limits (nesting depth, array length, members per
 * object), which JSON.parse does not have. `precheck` sees the parsed value before the schema.
 */
export async function jsonInput<S extends z.ZodType>(
  c: Context<HubEnv>,
  schema: S,
  precheck?: (value: unknown) => void,
): Promise<z.output<S>> {
  const json = parseLenientJson(await c.req.text());
  if (!json.ok) throw invalid(`body is not JSON: ${json.error.message}`);
  const value = json.value;
  precheck?.(value);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join(".") : "body";
    throw invalid(`${path}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
