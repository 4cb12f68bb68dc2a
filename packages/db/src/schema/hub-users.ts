import { jsonb, pgTable, text, unique, varchar } from "drizzle-orm/pg-core";
import { createdAt, USER_ID_MAX, updatedAt } from "./columns.ts";
import { platforms } from "./platforms.ts";

/**
 * A platform's user as the hub knows it. Namespaced per platform: the same loginID from two
 * platforms is two hub users (unique on platId + loginId, not on loginId).
 */
export const hubUsers = pgTable(
  "hub_users",
  {
    userId: varchar("user_id", { length: USER_ID_MAX }).primaryKey(),
    platId: text("plat_id")
      .notNull()
      .references(() => platforms.platId, { onDelete: "cascade" }),
    loginId: varchar("login_id", { length: 20 }).notNull(),
    loginName: text("login_name"),
    email: text("email"),
    mobile: text("mobile"),
    profile: jsonb("profile").$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("hub_users_plat_id_login_id_key").on(t.platId, t.loginId)],
);

export type HubUser = typeof hubUsers.$inferSelect;
export type NewHubUser = typeof hubUsers.$inferInsert;
