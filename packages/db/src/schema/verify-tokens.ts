import { index, pgTable, text, varchar } from "drizzle-orm/pg-core";
import { createdAt, tstz, USER_ID_MAX } from "./columns.ts";
import { hubUsers } from "./hub-users.ts";
import { platforms } from "./platforms.ts";

/**
 * Short-lived AuthTokens the hub hands a vendor cloud when logging a hub user in there;
 * the vendor presents them back at the hub's verify endpoint. Stored as SHA-256 hex, single use.
 */
export const verifyTokens = pgTable(
  "verify_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: varchar("user_id", { length: USER_ID_MAX })
      .notNull()
      .references(() => hubUsers.userId, { onDelete: "cascade" }),
    vendorPlatId: text("vendor_plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    expiresAt: tstz("expires_at").notNull(),
    usedAt: tstz("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("verify_tokens_user_id_idx").on(t.userId),
    index("verify_tokens_vendor_plat_id_idx").on(t.vendorPlatId),
  ],
);

export type VerifyToken = typeof verifyTokens.$inferSelect;
export type NewVerifyToken = typeof verifyTokens.$inferInsert;
