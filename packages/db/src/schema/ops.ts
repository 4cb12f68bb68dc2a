import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, primaryKey, text, varchar } from "drizzle-orm/pg-core";
import { createdAt, tstz, UDEVICE_ID_MAX, USER_ID_MAX } from "./columns.ts";

export const OP_STATUSES = ["pending", "confirmed", "timeout", "failed"] as const;
export type OpStatus = (typeof OP_STATUSES)[number];

const statusCheck = (column: unknown) =>
  sql`${column} in (${sql.raw(OP_STATUSES.map((s) => `'${s}'`).join(", "))})`;

/**
 * One devices/op the hub sent (docs/design.md §7 "Device operation"): who sent it, and its outcome
 * once every device is settled. Not foreign keys to platforms/users: an op outlives nothing it
 * names for long (kept 24 h), and the hot path should not pay a key check.
 *
 * Range-partitioned by created_at (migration 0014; drizzle does not declare partitioning, so the
 * migration does), one partition per UTC day dropped past HUB_RETENTION_OPS by the retention job;
 * hence the key holds created_at. op_devices is partitioned the same way by the same value.
 */
export const ops = pgTable(
  "ops",
  {
    opId: text("op_id").notNull(),
    platId: text("plat_id").notNull(),
    userId: varchar("user_id", { length: USER_ID_MAX }).notNull(),
    status: text("status").$type<OpStatus>().notNull().default("pending"),
    createdAt: createdAt(),
    settledAt: tstz("settled_at"),
  },
  (t) => [
    primaryKey({ name: "ops_op_id_created_at_pk", columns: [t.opId, t.createdAt] }),
    check("ops_status_check", statusCheck(t.status)),
  ],
);

/**
 * Each device of an op with the attributes it was commanded to, and the op's created_at. A status
 * report of the device showing every one of them confirms it; the partial indexes hold pending
 * rows only, so matching every report and sweeping the timeouts touch only what is still waiting.
 */
export const opDevices = pgTable(
  "op_devices",
  {
    opId: text("op_id").notNull(),
    udeviceId: varchar("udevice_id", { length: UDEVICE_ID_MAX }).notNull(),
    vendorPlatId: text("vendor_plat_id").notNull(),
    /** The device's place in the request: GET /v1/ops answers in request order. */
    ord: integer("ord").notNull(),
    attrs: jsonb("attrs").$type<Record<string, string>>().notNull(),
    status: text("status").$type<OpStatus>().notNull().default("pending"),
    createdAt: createdAt(),
    /** When an unconfirmed device times out (created + HUB_OP_CONFIRM_TIMEOUT). */
    deadline: tstz("deadline").notNull(),
    settledAt: tstz("settled_at"),
  },
  (t) => [
    // No foreign key to ops: a partition of each is dropped by the same clock (migration 0014).
    primaryKey({
      name: "op_devices_op_id_udevice_id_created_at_pk",
      columns: [t.opId, t.udeviceId, t.createdAt],
    }),
    check("op_devices_status_check", statusCheck(t.status)),
    index("op_devices_pending_udevice_id_idx").on(t.udeviceId).where(sql`${t.status} = 'pending'`),
    index("op_devices_pending_deadline_idx").on(t.deadline).where(sql`${t.status} = 'pending'`),
  ],
);
