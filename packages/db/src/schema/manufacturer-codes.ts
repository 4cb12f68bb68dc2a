import { char, index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.ts";
import { platforms } from "./platforms.ts";

/** The routing table: a 6-digit manufacturer code is the primary key, so it has exactly one owner. */
export const manufacturerCodes = pgTable(
  "manufacturer_codes",
  {
    code: char("code", { length: 6 }).primaryKey(),
    platId: text("plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [index("manufacturer_codes_plat_id_idx").on(t.platId)],
);

export type ManufacturerCode = typeof manufacturerCodes.$inferSelect;
export type NewManufacturerCode = typeof manufacturerCodes.$inferInsert;
