import type { Context } from "hono";
import type { z } from "zod";
import type { HubEnv } from "../../lib/hono-env.ts";
import { invalid } from "../../lib/hub-error.ts";

/** Validates a query string; unknown or bad parameters are a 400 naming the parameter. */
export function queryInput<S extends z.ZodType>(c: Context<HubEnv>, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.path.join(".") || "query"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
