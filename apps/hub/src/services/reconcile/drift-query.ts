import type { Database } from "@yunlian/db";
import { bindingDrift, bindings, platforms, reconcileVendors } from "@yunlian/db";
import { and, asc, desc, eq } from "drizzle-orm";

/** GET /admin/v1/drift and the console's drift page: what reconciliation found, per vendor and binding. */
export interface DriftView {
  vendors: {
    vendorPlatId: string;
    name: string;
    pollsTotal: number;
    driftTotal: number;
    lastDriftAt: string | null;
  }[];
  bindings: {
    userId: string;
    deviceId: string;
    platId: string;
    vendorPlatId: string;
    detectedAt: string;
  }[];
}

/** At most this many missing bindings are listed (oldest first): enough to act on, bounded. */
const BINDINGS_LISTED = 500;

export async function driftView(db: Database): Promise<DriftView> {
  const vendors = await db
    .select({
      vendorPlatId: reconcileVendors.vendorPlatId,
      name: platforms.name,
      pollsTotal: reconcileVendors.pollsTotal,
      driftTotal: reconcileVendors.driftTotal,
      lastDriftAt: reconcileVendors.lastDriftAt,
    })
    .from(reconcileVendors)
    .innerJoin(platforms, eq(platforms.platId, reconcileVendors.vendorPlatId))
    .orderBy(desc(reconcileVendors.driftTotal), asc(reconcileVendors.vendorPlatId));
  // Only bindings the hub still holds: one unbound since is no longer anyone's concern.
  const missing = await db
    .select({
      userId: bindingDrift.userId,
      deviceId: bindingDrift.udeviceId,
      platId: bindingDrift.platId,
      vendorPlatId: bindingDrift.vendorPlatId,
      detectedAt: bindingDrift.detectedAt,
    })
    .from(bindingDrift)
    .innerJoin(
      bindings,
      and(eq(bindings.userId, bindingDrift.userId), eq(bindings.udeviceId, bindingDrift.udeviceId)),
    )
    .orderBy(asc(bindingDrift.detectedAt), asc(bindingDrift.udeviceId))
    .limit(BINDINGS_LISTED);
  return {
    vendors: vendors.map((v) => ({
      ...v,
      pollsTotal: Number(v.pollsTotal),
      driftTotal: Number(v.driftTotal),
      lastDriftAt: v.lastDriftAt?.toISOString() ?? null,
    })),
    bindings: missing.map((b) => ({ ...b, detectedAt: b.detectedAt.toISOString() })),
  };
}
