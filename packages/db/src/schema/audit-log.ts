import { sql } from "drizzle-orm";
import { bigserial, check, index, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tstz } from "./columns.ts";

export type AuditOutcome = "ok" | "denied" | "failed";

/**
 * Admin and security-relevant actions. No foreign keys on purpose: the record of deleting a
 * platform must outlive the platform. Partitioned by day of `at`, kept HUB_RETENTION_AUDIT.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    at: tstz("at").notNull().defaultNow(),
    /** "operator:<key name>" ("operator:bootstrap" for HUB_ADMIN_TOKEN), "platform:<platId>" or "anonymous". */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target"),
    outcome: text("outcome").$type<AuditOutcome>().notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ name: "audit_log_id_at_pk", columns: [t.id, t.at] }),
    index("audit_log_at_idx").on(t.at),
    index("audit_log_actor_idx").on(t.actor),
    check("audit_log_outcome_check", sql`${t.outcome} in ('ok', 'denied', 'failed')`),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;
