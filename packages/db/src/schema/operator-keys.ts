import { sql } from "drizzle-orm";
import { check, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tstz } from "./columns.ts";

export type OperatorScope = "read" | "admin";

/**
 * Named operator keys beyond the bootstrap HUB_ADMIN_TOKEN (docs/security.md). Only the
 * SHA-256 hex of a key is stored: the key is 256 random bits, so a leaked table yields nothing
 * usable. A revoked key keeps its row (the audit log names it), and its name may be given again.
 */
export const operatorKeys = pgTable(
  "operator_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** "read": GET on the admin API and /metrics; "admin": everything. */
    scope: text("scope").$type<OperatorScope>().notNull(),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    revokedAt: tstz("revoked_at"),
  },
  (t) => [
    uniqueIndex("operator_keys_token_hash_idx").on(t.tokenHash),
    uniqueIndex("operator_keys_active_name_idx").on(t.name).where(sql`${t.revokedAt} is null`),
    check("operator_keys_scope_check", sql`${t.scope} in ('read', 'admin')`),
  ],
);

export type OperatorKey = typeof operatorKeys.$inferSelect;
