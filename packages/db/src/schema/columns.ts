import { timestamp } from "drizzle-orm/pg-core";

/**
 * Every timestamp is `timestamp with time zone`: the hub runs in several time zones
 * (operators, vendors) and must never guess the zone of a stored instant.
 */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Set once, by the database, when the row is inserted. */
export const createdAt = () => tstz("created_at").notNull().defaultNow();

/** Bumped by drizzle on every update made through it (raw SQL updates must set it themselves). */
export const updatedAt = () =>
  tstz("updated_at")
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/** UDeviceID: a 13-character routable prefix plus 1–64 vendor characters (docs/design.md §3.1). */
export const UDEVICE_ID_MAX = 77;

/** Hub-issued userID: the standard caps user ids at 20 characters. */
export const USER_ID_MAX = 20;
