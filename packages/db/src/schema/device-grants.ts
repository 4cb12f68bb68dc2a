import { index, pgTable, primaryKey, text, varchar } from "drizzle-orm/pg-core";
import { createdAt, UDEVICE_ID_MAX } from "./columns.ts";
import { platforms } from "./platforms.ts";

/**
 * Exceptions to the trust rule (standard 7.2.1): the platform a device is bound through lets
 * users of granteePlatId bind it too.
 */
export const deviceGrants = pgTable(
  "device_grants",
  {
    udeviceId: varchar("udevice_id", { length: UDEVICE_ID_MAX }).notNull(),
    granteePlatId: text("grantee_plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    /**
     * The granting platform: the one holding the device in its own right (apps/hub services/grants).
     * The operator grants on such a platform's behalf; the audit log names who acted.
     */
    grantedBy: text("granted_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.udeviceId, t.granteePlatId] }),
    index("device_grants_grantee_plat_id_idx").on(t.granteePlatId),
  ],
);

export type DeviceGrant = typeof deviceGrants.$inferSelect;
export type NewDeviceGrant = typeof deviceGrants.$inferInsert;
