import type { NormalisedReport } from "@yunlian/adapter-sdk";
import { bindings, type Database } from "@yunlian/db";
import { applianceClass, categories, MAX_UDEVICEID_LENGTH } from "@yunlian/protocol";
import { and, eq, inArray } from "drizzle-orm";
import { conflict, notFound } from "../../lib/hub-error.ts";
import type { HubMetrics } from "../../observability/metrics.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";

/** Every routable prefix's tail the standard's tables allow: "01" + category + sub-category (45 today). */
const PREFIX_TAILS = categories.flatMap((c) =>
  c.subCategories.map((s) => `${applianceClass.code}${c.code}${s.code}`),
);

/** What mapping a vendor's own device ID uses. */
export interface VendorIdCtx {
  db: Database;
  metrics: Pick<HubMetrics, "reportsRefused">;
}

/**
 * The UDeviceID an app bound for a device the vendor names by its own ID (adapterConfig deviceIds
 * "vendor"): the vendor's manufacturer codes × the standard's category tables give every UDeviceID
 * that could carry this vendor part (a bounded list, looked up through the bindings' index), and
 * exactly one of them must be bound through this hub. None or several: the report is refused and
 * counted — never stored or delivered under a guessed ID.
 */
async function udeviceIdOfVendorId(
  ctx: VendorIdCtx,
  vendor: PlatformRecord,
  vendorDeviceId: string,
): Promise<string> {
  const candidates = vendor.manufacturerCodes
    .flatMap((code) => PREFIX_TAILS.map((tail) => `${code}${tail}${vendorDeviceId}`))
    .filter((id) => id.length <= MAX_UDEVICEID_LENGTH);
  const bound =
    candidates.length === 0
      ? []
      : await ctx.db
          .selectDistinct({ udeviceId: bindings.udeviceId })
          .from(bindings)
          .where(and(eq(bindings.vendorPlatId, vendor.platId), inArray(bindings.udeviceId, candidates)));
  const [only, second] = bound;
  if (only && !second) return only.udeviceId;
  if (!only) {
    ctx.metrics.reportsRefused.inc({ vendor: vendor.platId, reason: "unknown" });
    throw notFound(
      `DeviceID ${vendorDeviceId}: no device bound through this hub has this ID of vendor ${vendor.platId} (deviceIds "vendor": the UDeviceID's vendor part); the report was not stored`,
    );
  }
  ctx.metrics.reportsRefused.inc({ vendor: vendor.platId, reason: "ambiguous" });
  throw conflict(
    `DeviceID ${vendorDeviceId}: names more than one bound device of vendor ${vendor.platId} (${bound
      .map((b) => b.udeviceId)
      .join(", ")}); the report was not stored`,
  );
}

/** The reports with every vendor-named device resolved to its UDeviceID (refused as a whole otherwise). */
export async function withUDeviceIds(
  ctx: VendorIdCtx,
  vendor: PlatformRecord,
  reports: NormalisedReport[],
): Promise<NormalisedReport[]> {
  const resolved: NormalisedReport[] = [];
  for (const { vendorDeviceId, ...report } of reports) {
    resolved.push(
      vendorDeviceId === undefined
        ? report
        : { ...report, udeviceId: await udeviceIdOfVendorId(ctx, vendor, vendorDeviceId) },
    );
  }
  return resolved;
}
