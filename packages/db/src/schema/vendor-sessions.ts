import { index, pgTable, primaryKey, text, varchar } from "drizzle-orm/pg-core";
import { createdAt, USER_ID_MAX, updatedAt } from "./columns.ts";
import { hubUsers } from "./hub-users.ts";
import { platforms } from "./platforms.ts";

/**
 * The hub's login at a vendor cloud on behalf of one hub user: the vendor's userID and
 * AccessToken. The token is encrypted with HUB_SECRET_KEY (tokenKeyId says which key).
 */
export const vendorSessions = pgTable(
  "vendor_sessions",
  {
    userId: varchar("user_id", { length: USER_ID_MAX })
      .notNull()
      .references(() => hubUsers.userId, { onDelete: "cascade" }),
    vendorPlatId: text("vendor_plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    vendorUserId: text("vendor_user_id").notNull(),
    tokenCiphertext: text("token_ciphertext").notNull(),
    tokenKeyId: text("token_key_id").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.vendorPlatId] }),
    index("vendor_sessions_vendor_plat_id_idx").on(t.vendorPlatId),
  ],
);

export type VendorSession = typeof vendorSessions.$inferSelect;
export type NewVendorSession = typeof vendorSessions.$inferInsert;
