import { parseLenientJson } from "@yunlian/protocol";
import type { Context } from "hono";
import type { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";
import { validate } from "../../lib/validate.ts";
import { stateOf } from "../../server/request-state.ts";

/**
 * Reads and validates a JSON admin body; every problem is a 400 naming the field. Read with the
 * protocol's JSON reader for its hostile-input limits (nesting depth, array length, members per
 * object), which JSON.parse does not have. `precheck` sees the parsed value before the schema.
 */
export function jsonInput<S extends z.ZodType>(
  c: Context<HubEnv>,
  schema: S,
  precheck?: (value: unknown) => void,
): z.output<S> {
  const json = parseLenientJson(stateOf(c.env.incoming).rawBody);
  if (!json.ok) throw invalid(`body is not JSON: ${json.error.message}`);
  precheck?.(json.value);
  return validate(schema, json.value);
}

/** jsonInput for a body that may be left out: no body at all reads as `{}`. */
export function jsonInputOrEmpty<S extends z.ZodType>(c: Context<HubEnv>, schema: S): z.output<S> {
  if (stateOf(c.env.incoming).rawBody.trim() === "") return validate(schema, {});
  return jsonInput(c, schema);
}
