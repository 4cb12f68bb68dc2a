import { bigserial, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tstz } from "./columns.ts";

/**
 * One row per HTTP attempt of a delivery: what the admin API shows when a partner asks "what happened?".
 * Partitioned by day of startedAt, dropped past HUB_RETENTION_DELIVERIES with the deliveries that
 * settled by then (an attempt always starts before its delivery settles).
 */
export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    /**
     * Not a foreign key, for the same reason as deliveries.reportId: attempts are recorded by the
     * statement that settles their delivery row, on the hot path. Deleting a delivery deletes its
     * attempts through a statement-level trigger (migrations/0002). The one thing given up: an
     * attempt recorded just as its platform is being deleted can outlive the delivery row.
     */
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    startedAt: tstz("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    httpStatus: integer("http_status"),
    retCode: text("ret_code"),
    error: text("error"),
  },
  (t) => [
    primaryKey({ name: "delivery_attempts_id_started_at_pk", columns: [t.id, t.startedAt] }),
    index("delivery_attempts_delivery_id_idx").on(t.deliveryId),
  ],
);

export type DeliveryAttempt = typeof deliveryAttempts.$inferSelect;
export type NewDeliveryAttempt = typeof deliveryAttempts.$inferInsert;
