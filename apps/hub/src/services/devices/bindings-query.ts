import { bindings } from "@yunlian/db";
import { and, eq, inArray } from "drizzle-orm";
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
