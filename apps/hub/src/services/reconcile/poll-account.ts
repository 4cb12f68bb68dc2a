import { bindingDrift, bindings } from "@yunlian/db";
import { and, eq, notInArray } from "drizzle-orm";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { vendorTarget } from "../vendor/vendor-call.ts";
import type { ReconcileCtx } from "./reconcile-context.ts";

/**
 * Compares one hub user's device list at the vendor (users/devices) with the bindings the hub
 * holds for that user there. A bound device the vendor no longer lists is recorded in
 * binding_drift for the operator (GET /admin/v1/drift, the console), never unbound here; one the
 * vendor lists again, or that is no longer bound, leaves the list. Returns how many are missing.
 */
export async function pollAccount(
  ctx: ReconcileCtx,
  vendor: PlatformRecord,
  userId: string,
  now: Date,
): Promise<number> {
  const t = vendorTarget(ctx, vendor, userId);
  const listed = new Set(
    (await t.adapter.listDevices(t.call, undefined)).flatMap((d) => (d.deviceID ? [d.deviceID] : [])),
  );
  // Read after the vendor answered: a binding made meanwhile is on both sides already.
  const held = await ctx.db
    .select({ udeviceId: bindings.udeviceId, platId: bindings.platId })
    .from(bindings)
    .where(and(eq(bindings.userId, userId), eq(bindings.vendorPlatId, vendor.platId)));
  const missing = held.filter((b) => !listed.has(b.udeviceId));
  const ofAccount = and(eq(bindingDrift.userId, userId), eq(bindingDrift.vendorPlatId, vendor.platId));
  const stillMissing = missing.map((b) => b.udeviceId);
  await ctx.db
    .delete(bindingDrift)
    .where(
      stillMissing.length > 0 ? and(ofAccount, notInArray(bindingDrift.udeviceId, stillMissing)) : ofAccount,
    );
  if (missing.length > 0) {
    await ctx.db
      .insert(bindingDrift)
      .values(
        missing.map((b) => ({
          userId,
          udeviceId: b.udeviceId,
          platId: b.platId,
          vendorPlatId: vendor.platId,
          detectedAt: now,
        })),
      )
      .onConflictDoNothing();
    ctx.log.warn(
      { vendor: vendor.platId, userId, devices: stillMissing },
      "reconcile: the vendor no longer lists devices the hub has bound for this user",
    );
  }
  return missing.length;
}
