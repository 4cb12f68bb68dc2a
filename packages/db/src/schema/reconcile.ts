import { bigint, index, integer, pgTable, primaryKey, text, varchar } from "drizzle-orm/pg-core";
import { tstz, UDEVICE_ID_MAX, USER_ID_MAX } from "./columns.ts";
import { hubUsers } from "./hub-users.ts";
import { platforms } from "./platforms.ts";

/**
 * Reconciliation (docs/adr/0011): when each bound device was last polled. A row is the claim:
 * a process takes a device by moving polledAt forward in one statement that only succeeds when
 * the old value is older than HUB_RECONCILE_INTERVAL, so two processes never poll it twice.
 */
export const reconcileDevices = pgTable(
  "reconcile_devices",
  {
    udeviceId: varchar("udevice_id", { length: UDEVICE_ID_MAX }).primaryKey(),
    vendorPlatId: text("vendor_plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    polledAt: tstz("polled_at").notNull(),
  },
  (t) => [index("reconcile_devices_vendor_plat_id_idx").on(t.vendorPlatId)],
);

/** When each (hub user, vendor) account's device list was last compared with the hub's bindings. */
export const reconcileAccounts = pgTable(
  "reconcile_accounts",
  {
    userId: varchar("user_id", { length: USER_ID_MAX })
      .notNull()
      .references(() => hubUsers.userId, { onDelete: "cascade" }),
    vendorPlatId: text("vendor_plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    polledAt: tstz("polled_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.vendorPlatId] })],
);

/**
 * Per vendor: the shared call budget (calls made in the current minute window, over every
 * process: HUB_RECONCILE_RATE) and what reconciliation found (the console's drift page).
 */
export const reconcileVendors = pgTable("reconcile_vendors", {
  vendorPlatId: text("vendor_plat_id")
    .primaryKey()
    .references(() => platforms.platId, { onDelete: "cascade" }),
  windowStart: tstz("window_start").notNull(),
  windowCalls: integer("window_calls").notNull().default(0),
  pollsTotal: bigint("polls_total", { mode: "number" }).notNull().default(0),
  driftTotal: bigint("drift_total", { mode: "number" }).notNull().default(0),
  lastDriftAt: tstz("last_drift_at"),
});

/**
 * A binding the hub holds that the vendor no longer lists for that user (users/devices). Listed
 * for the operator (GET /admin/v1/drift, console), never unbound silently; gone once the vendor
 * lists the device again or the binding is removed.
 */
export const bindingDrift = pgTable(
  "binding_drift",
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
    detectedAt: tstz("detected_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.udeviceId] }),
    index("binding_drift_vendor_plat_id_idx").on(t.vendorPlatId),
  ],
);

export type BindingDrift = typeof bindingDrift.$inferSelect;
