import { bindings } from "@yunlian/db";
import { and, eq, inArray } from "drizzle-orm";
import { forbidden } from "../../lib/hub-error.ts";
import type { HubServices } from "../hub-services.ts";

/** Which of `ids` are bound to `userId` (through the hub). */
export async function boundIds(
  services: HubServices,
  userId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await services.db
    .select({ udeviceId: bindings.udeviceId })
    .from(bindings)
    .where(and(eq(bindings.userId, userId), inArray(bindings.udeviceId, [...new Set(ids)])));
  return new Set(rows.map((r) => r.udeviceId));
}

/**
 * Refuses (403) a request naming any device not bound to this user, before any vendor is
 * called: the standard lets a user act only on devices bound to them (7.2.7).
 */
export async function requireBound(
  services: HubServices,
  userId: string,
  ids: readonly string[],
): Promise<void> {
  const bound = await boundIds(services, userId, ids);
  const missing = ids.filter((id) => !bound.has(id));
  if (missing.length > 0) {
    throw forbidden(`device(s) not bound to UserID ${userId}: ${[...new Set(missing)].join(", ")}`);
  }
}
