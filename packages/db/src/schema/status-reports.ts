import { bigserial, index, jsonb, pgTable, primaryKey, text, varchar } from "drizzle-orm/pg-core";
import { tstz, UDEVICE_ID_MAX } from "./columns.ts";

/** The standard's three, and the hub's own "opResult" (an op's outcome, docs/design.md §7). */
export type ReportDataType = "attr" | "alarm" | "onOffline" | "opResult";

/** A report the hub made itself from a poll (null: the vendor pushed it). */
export type ReportSource = "reconcile";

/**
 * History of every accepted status report; deliveries point here, so it is the outbox's payload.
 * Partitioned by day of receivedAt (migrations/0008, packages/db/src/retention): a report past
 * HUB_RETENTION_REPORTS goes with its day's partition. The device shadow keeps what it said.
 */
export const statusReports = pgTable(
  "status_reports",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    udeviceId: varchar("udevice_id", { length: UDEVICE_ID_MAX }).notNull(),
    /**
     * The reporting vendor platform. Not a foreign key: ingest, the only writer, key-share locks the
     * batch's platforms once instead of a per-row key check, and deleting a platform still deletes
     * its reports through a statement-level trigger (migrations/0003).
     */
    vendorPlatId: text("vendor_plat_id").notNull(),
    dataType: text("data_type").$type<ReportDataType>().notNull(),
    deviceStatus: jsonb("device_status").$type<Record<string, unknown>>().notNull(),
    /** The report's own TimeStamp; null when the vendor sent none we could read. */
    reportedAt: tstz("reported_at"),
    receivedAt: tstz("received_at").notNull().defaultNow(),
    /** The x-request-id of the push that brought it: logs follow a report into its deliveries. */
    requestId: text("request_id"),
    /** Who found this state: null for a vendor's push, "reconcile" for the reconciler's poll (docs/adr/0011). */
    source: text("source").$type<ReportSource>(),
  },
  (t) => [
    // A partitioned table's key must hold its partition key; ids are unique by their sequence.
    primaryKey({ name: "status_reports_id_received_at_pk", columns: [t.id, t.receivedAt] }),
    index("status_reports_udevice_id_received_at_idx").on(t.udeviceId, t.receivedAt.desc()),
    index("status_reports_vendor_plat_id_idx").on(t.vendorPlatId),
  ],
);

export type StatusReport = typeof statusReports.$inferSelect;
export type NewStatusReport = typeof statusReports.$inferInsert;
