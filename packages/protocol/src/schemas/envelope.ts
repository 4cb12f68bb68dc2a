/**
 * The response envelope every interface shares: RetCode + RetInfo (table 9). Vendors are read
 * liberally — a numeric RetCode or a missing RetInfo still parses — and emitted canonically.
 */
import { z } from "zod";
import { orRequired } from "./primitives.ts";

export const retCodeField = z
  .union([z.string(), z.int()], { error: orRequired("must be a 3-digit code") })
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d{3}$/, { error: "must be a 3-digit code" }));

export const ResponseBase = z.looseObject({
  RetCode: retCodeField,
  RetInfo: z
    .string({ error: "must be a string" })
    .nullish()
    .transform((v) => v ?? ""),
});

/**
 * Payload fields a response carries only on success: optional in the type (a "500" has none), but
 * required when RetCode is "200".
 */
export function requiredOnSuccess<T extends z.ZodType>(schema: T, fields: readonly string[]): T {
  return schema.superRefine((value, ctx) => {
    const v = value as Record<string, unknown>;
    if (v.RetCode !== "200") return;
    for (const f of fields) {
      if (v[f] === undefined)
        ctx.addIssue({ code: "custom", path: [f], message: 'required when RetCode is "200"' });
    }
  }) as unknown as T;
}

export type ResponseBase = z.infer<typeof ResponseBase>;
