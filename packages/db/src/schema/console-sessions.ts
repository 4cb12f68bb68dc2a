import { index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, tstz } from "./columns.ts";
import type { OperatorScope } from "./operator-keys.ts";

/**
 * Console sessions, server-side: the cookie carries a random id, of which only the SHA-256 is
 * kept here. Logout deletes the row; a session also ends when the credential it was opened
 * with no longer holds (the operator key revoked, or HUB_ADMIN_TOKEN changed: `credential`).
 */
export const consoleSessions = pgTable(
  "console_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    /** The operator: "bootstrap" or the operator key's name. */
    operator: text("operator").notNull(),
    scope: text("scope").$type<OperatorScope>().notNull(),
    /** The operator key's id, or null for the bootstrap token. */
    keyId: text("key_id"),
    /** A fingerprint of the bootstrap token the session was opened with (null for a key). */
    credential: text("credential"),
    /**
     * A partner's session (issue 18): the platform signed in to its own view with its PlatID and
     * current appSecret; `credential` is then a fingerprint of that appSecret, so a rotation ends
     * it. Null for an operator's session. The two kinds never stand in for each other.
     */
    platId: text("plat_id"),
    /** The synchronizer token every console form carries. */
    csrf: text("csrf").notNull(),
    createdAt: createdAt(),
    expiresAt: tstz("expires_at").notNull(),
  },
  (t) => [index("console_sessions_expires_at_idx").on(t.expiresAt)],
);

export type ConsoleSession = typeof consoleSessions.$inferSelect;
