import { integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.ts";
import { platforms } from "./platforms.ts";

/** One attribute of a device model (standard 6.5.2.2: structure, range and meaning of each). */
export interface ModelAttribute {
  name: string;
  type: "string" | "bool" | "int" | "number" | "enum";
  /** Allowed values for enum/bool (as the standard's strings, e.g. "True"/"False"). */
  values?: string[];
  min?: number;
  max?: number;
  unit?: string;
  writable: boolean;
  zh: string;
  en: string;
}

/**
 * Device models published by vendors, versioned: the standard leaves DeviceAttr to each model
 * and asks vendors to publish their attributes. `deviceType` is BBCCC or BBCCC+D (docs/design.md
 * §3.1); for a device, the newest version of its vendor's most specific match applies (the
 * models the hub ships live in code, not here).
 */
export const deviceModels = pgTable(
  "device_models",
  {
    deviceType: text("device_type").notNull(),
    version: integer("version").notNull(),
    ownerPlatId: text("owner_plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    attributes: jsonb("attributes").$type<ModelAttribute[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.ownerPlatId, t.deviceType, t.version] })],
);

export type DeviceModel = typeof deviceModels.$inferSelect;
export type NewDeviceModel = typeof deviceModels.$inferInsert;
