import type { Context } from "hono";
import type { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { validate } from "../../lib/validate.ts";

/** Validates a query string; unknown or bad parameters are a 400 naming the parameter. */
export function queryInput<S extends z.ZodType>(c: Context<HubEnv>, schema: S): z.output<S> {
  return validate(schema, c.req.query(), "query");
}
