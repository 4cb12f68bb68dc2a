import { bigserial, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "./columns.ts";
import { deliveries } from "./deliveries.ts";

/** One row per HTTP attempt of a delivery: what the admin API shows when a partner asks "what happened?". */
export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    startedAt: tstz("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    httpStatus: integer("http_status"),
    retCode: text("ret_code"),
    error: text("error"),
  },
  (t) => [index("delivery_attempts_delivery_id_idx").on(t.deliveryId)],
);

export type DeliveryAttempt = typeof deliveryAttempts.$inferSelect;
export type NewDeliveryAttempt = typeof deliveryAttempts.$inferInsert;
