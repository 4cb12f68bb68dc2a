/**
 * Every state of a delivery (docs/design.md §7), in the order a delivery moves through them. The one
 * list: the table's check constraint, the admin API, metrics, the console and hubctl use it.
 * A module of its own, importing nothing, so hubctl can take it without the database driver.
 */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "dead"] as const;

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
