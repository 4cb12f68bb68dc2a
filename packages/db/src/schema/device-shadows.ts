import { boolean, index, jsonb, pgTable, text, varchar } from "drizzle-orm/pg-core";
import { tstz, UDEVICE_ID_MAX, updatedAt } from "./columns.ts";
import { platforms } from "./platforms.ts";

/** Latest known state per device, merged from its status reports. */
export const deviceShadows = pgTable(
  "device_shadows",
  {
    udeviceId: varchar("udevice_id", { length: UDEVICE_ID_MAX }).primaryKey(),
    vendorPlatId: text("vendor_plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    attrs: jsonb("attrs").$type<Record<string, unknown>>().notNull().default({}),
    /** null until an onOffline report (or an onLine attribute) says otherwise. */
    online: boolean("online"),
    lastAlarm: jsonb("last_alarm").$type<Record<string, unknown>>(),
    lastAlarmAt: tstz("last_alarm_at"),
    lastReportAt: tstz("last_report_at").notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [index("device_shadows_vendor_plat_id_idx").on(t.vendorPlatId)],
);

export type DeviceShadow = typeof deviceShadows.$inferSelect;
export type NewDeviceShadow = typeof deviceShadows.$inferInsert;
