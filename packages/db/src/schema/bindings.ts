import { index, pgTable, primaryKey, text, varchar } from "drizzle-orm/pg-core";
import { createdAt, UDEVICE_ID_MAX, USER_ID_MAX } from "./columns.ts";
import { hubUsers } from "./hub-users.ts";
import { platforms } from "./platforms.ts";

/**
 * Bindings the hub brokered (hub user ↔ device). They decide who may operate a device and who
 * receives its status reports. platId (the user's platform) is denormalised from hub_users so
 * the trust rule ("bound through another platform?") and fan-out are one index lookup.
 */
export const bindings = pgTable(
  "bindings",
  {
    userId: varchar("user_id", { length: USER_ID_MAX })
      .notNull()
      .references(() => hubUsers.userId, { onDelete: "cascade" }),
    udeviceId: varchar("udevice_id", { length: UDEVICE_ID_MAX }).notNull(),
    platId: text("plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    vendorPlatId: text("vendor_plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.udeviceId] }),
    index("bindings_udevice_id_idx").on(t.udeviceId),
    index("bindings_plat_id_idx").on(t.platId),
    index("bindings_vendor_plat_id_idx").on(t.vendorPlatId),
  ],
);

export type Binding = typeof bindings.$inferSelect;
export type NewBinding = typeof bindings.$inferInsert;
