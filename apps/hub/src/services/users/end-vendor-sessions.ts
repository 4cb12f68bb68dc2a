import { vendorSessions } from "@yunlian/db";
import { eq } from "drizzle-orm";
import type { RequestTrace } from "../../observability/request-context.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import type { DevicesCtx } from "../devices/devices-context.ts";
import { fanOut } from "../vendor/fan-out.ts";
import { vendorTarget } from "../vendor/vendor-call.ts";

/**
 * user/logout ends what it began: the hub's session at each vendor it logged this user in to is
 * ended with the vendor's own user/logout (through its adapter), all vendors in parallel. Best
 * effort: the session is forgotten whatever the vendor answers, a vendor that fails is logged and
 * never fails the caller's logout.
 */
export async function endVendorSessions(
  ctx: DevicesCtx,
  userId: string,
  trace?: RequestTrace,
): Promise<void> {
  const rows = await ctx.db
    .select({ vendorPlatId: vendorSessions.vendorPlatId })
    .from(vendorSessions)
    .where(eq(vendorSessions.userId, userId));
  const groups = new Map<PlatformRecord, string[]>();
  for (const { vendorPlatId } of rows) {
    const vendor = ctx.registry.get(vendorPlatId);
    if (vendor) groups.set(vendor, []);
  }
  if (groups.size === 0) return;
  const { done, failures } = await fanOut(ctx, "logout", groups, async (vendor) => {
    const target = vendorTarget(ctx, vendor, userId, trace);
    await target.adapter.logout(target.call);
  });
  for (const { vendor } of done) {
    ctx.log.info(
      { userId, vendor: vendor.platId, requestId: trace?.requestId },
      "vendor session ended at logout",
    );
  }
  for (const f of failures) {
    ctx.log.warn(
      { userId, vendor: f.vendor.platId, retCode: f.retCode, reason: f.info, requestId: trace?.requestId },
      "vendor session forgotten at logout; the vendor's user/logout failed",
    );
  }
}
