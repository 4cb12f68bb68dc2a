import { bindings, type Database } from "@yunlian/db";
import { and, eq, inArray } from "drizzle-orm";

/** Which of `ids` are bound to `userId` (through the hub). */
export async function boundIds(
  ctx: { db: Database },
  userId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await ctx.db
    .select({ udeviceId: bindings.udeviceId })
    .from(bindings)
    .where(and(eq(bindings.userId, userId), inArray(bindings.udeviceId, [...new Set(ids)])));
  return new Set(rows.map((r) => r.udeviceId));
}
