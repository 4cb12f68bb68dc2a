import { index, pgTable, text, varchar } from "drizzle-orm/pg-core";
import { createdAt, tstz, USER_ID_MAX } from "./columns.ts";
import { hubUsers } from "./hub-users.ts";
import { platforms } from "./platforms.ts";

/**
 * Hub-issued AccessTokens. Only the SHA-256 hex of a token is stored, so a leaked table
 * yields no usable token. platId is kept beside userId so a lookup checks the tenant in one step.
 */
export const accessTokens = pgTable(
  "access_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: varchar("user_id", { length: USER_ID_MAX })
      .notNull()
      .references(() => hubUsers.userId, { onDelete: "cascade" }),
    platId: text("plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    expiresAt: tstz("expires_at").notNull(),
    revokedAt: tstz("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("access_tokens_user_id_idx").on(t.userId), index("access_tokens_plat_id_idx").on(t.platId)],
);

export type AccessToken = typeof accessTokens.$inferSelect;
export type NewAccessToken = typeof accessTokens.$inferInsert;
