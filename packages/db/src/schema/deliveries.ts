import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, primaryKey, text, varchar } from "drizzle-orm/pg-core";
import { createdAt, tstz, UDEVICE_ID_MAX, updatedAt } from "./columns.ts";
import { DELIVERY_STATUSES, type DeliveryStatus } from "./delivery-status.ts";

export { DELIVERY_STATUSES, type DeliveryStatus };

/**
 * The Postgres outbox: one row per (report × subscribed platform), written in the ingest
 * transaction. BullMQ only carries the id; this row is the truth about the delivery.
 * Partitioned by settledAt (migrations/0008, docs/adr/0009): open rows ('infinity') all live in
 * deliveries_open, settled ones in the partition of the day they settled, dropped past
 * HUB_RETENTION_DELIVERIES. Settling moves a row from one partition to the other.
 */
export const deliveries = pgTable(
  "deliveries",
  {
    /** The webhook-id (msg_…), the same on every attempt so receivers can drop duplicates. */
    id: text("id").notNull(),
    /**
     * The report delivered. Not a foreign key: a delivery row is only ever written in the statement
     * that writes its report (ingest), so the reference holds by construction, and the per-row key
     * check cost every outbox insert measurable Postgres time. Deleting a report still deletes its
     * deliveries: a statement-level trigger does it (migrations/0002).
     */
    reportId: bigint("report_id", { mode: "number" }).notNull(),
    /**
     * The receiving platform. Not a foreign key, for the reason given on status_reports.vendor_plat_id;
     * deleting a platform deletes its deliveries (and their attempts) by trigger (migrations/0003).
     */
    platId: text("plat_id").notNull(),
    udeviceId: varchar("udevice_id", { length: UDEVICE_ID_MAX }).notNull(),
    status: text("status").$type<DeliveryStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").notNull().defaultNow(),
    /** Set when the relay put the row into BullMQ; null rows are what the relay/sweeper picks up. */
    enqueuedAt: tstz("enqueued_at"),
    lastError: text("last_error"),
    lastHttpStatus: integer("last_http_status"),
    deliveredAt: tstz("delivered_at"),
    /**
     * Its report's receivedAt (ingest writes both from one value): the claim and the relay find the
     * report by (id, receivedAt), so PostgreSQL searches one partition of status_reports, not all.
     */
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** When the row became delivered or dead; 'infinity' while open (the partition key). */
    settledAt: tstz("settled_at").notNull().default(sql`'infinity'`),
  },
  (t) => [
    // The webhook-id is unique by construction (random); the key must hold the partition key.
    primaryKey({ name: "deliveries_id_settled_at_pk", columns: [t.id, t.settledAt] }),
    // Every index costs each delivery two entries (its insert, and its settling update, which can
    // never be HOT as it changes status), so there are few. Open rows by due time, for the relay's
    // scans, the sweeper and the in-process runner: settled rows (the vast majority) leave it,
    // and a row settling adds no entry to it. Query it with `deliveryIsOpen` (a literal
    // condition, so that even a generic plan can prove it implies the index's predicate).
    index("deliveries_open_next_attempt_at_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'failed')`),
    // Admin: one platform's deliveries by status and time; platform deletion's cascade.
    index("deliveries_plat_id_status_created_at_idx").on(t.platId, t.status, t.createdAt),
    // Cascades from reports, and the admin filter by device (through status_reports' device index).
    index("deliveries_report_id_idx").on(t.reportId),
    check(
      "deliveries_status_check",
      sql`${t.status} in (${sql.raw(DELIVERY_STATUSES.map((s) => `'${s}'`).join(", "))})`,
    ),
    check(
      "deliveries_settled_at_check",
      sql`(${t.settledAt} = 'infinity') = (${t.status} in ('pending', 'failed'))`,
    ),
  ],
);

/**
 * Open rows (pending or failed), written to match deliveries_open_next_attempt_at_idx's predicate,
 * and to name the open partition by a literal, so that PostgreSQL plans only deliveries_open.
 */
export const deliveryIsOpen = sql`${deliveries.settledAt} = 'infinity' and ${deliveries.status} in ('pending', 'failed')`;

export type Delivery = typeof deliveries.$inferSelect;
export type NewDelivery = typeof deliveries.$inferInsert;
