import { categoryOf, subCategoryOf } from "@yunlian/protocol";
import { z } from "zod";

const attribute = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { error: "an identifier of at most 64 characters" }),
    type: z.enum(["string", "bool", "int", "number", "enum"]),
    values: z.array(z.string().min(1).max(64)).min(1).max(256).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    unit: z.string().max(16).optional(),
    writable: z.boolean(),
    zh: z.string().min(1).max(200),
    en: z.string().min(1).max(200),
  })
  .refine((a) => a.type !== "enum" || (a.values?.length ?? 0) > 0, { error: "an enum needs values" })
  .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, {
    error: "min must not exceed max",
  });

/** A device model as a vendor publishes it (standard 6.5.2.2: structure, range, meaning). */
export const modelInput = z
  .strictObject({
    deviceType: z
      .string()
      .regex(/^\d{5}\d{0,3}$/, { error: "BBCCC or BBCCC followed by the D digits" })
      .refine(
        (t) => {
          const category = categoryOf(t.slice(0, 2));
          return category !== undefined && subCategoryOf(category.code, t.slice(2, 5)) !== undefined;
        },
        { error: "BB/CCC is not a category/sub-category of the standard's tables 2–8" },
      ),
    nameZh: z.string().min(1).max(200),
    nameEn: z.string().min(1).max(200),
    attributes: z.array(attribute).min(1).max(500),
  })
  .refine((m) => new Set(m.attributes.map((a) => a.name)).size === m.attributes.length, {
    error: "attribute names must be unique",
    path: ["attributes"],
  });

export type ModelInput = z.infer<typeof modelInput>;
