import { bindings, deviceShadows } from "@yunlian/db";
import { ingestReport } from "@yunlian/delivery";
import { and, asc, eq } from "drizzle-orm";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { vendorTarget } from "../vendor/vendor-call.ts";
import type { ReconcileCtx } from "./reconcile-context.ts";

/** What one device poll found. */
export type DevicePoll = "same" | "drift" | "seeded" | "unbound" | "no-answer";

/**
 * Asks the vendor for one device's state (deviceStatus, as the user who bound it first) and
 * compares it with the shadow. A difference is stored and delivered as a status report of its own
 * (status_reports.source "reconcile": "Source":"reconcile" in the delivered body), which also
 * updates the shadow; it is drift when the shadow held another value (a report the vendor did not
 * send). The report is stamped with the real time, whatever clock the pass was given (tests move
 * that one). A device with no shadow yet is seeded the same way, not counted as drift.
 */
export async function pollDevice(
  ctx: ReconcileCtx,
  vendor: PlatformRecord,
  udeviceId: string,
): Promise<DevicePoll> {
  const [holder] = await ctx.db
    .select({ userId: bindings.userId })
    .from(bindings)
    .where(and(eq(bindings.udeviceId, udeviceId), eq(bindings.vendorPlatId, vendor.platId)))
    .orderBy(asc(bindings.createdAt))
    .limit(1);
  if (!holder) return "unbound";
  const t = vendorTarget(ctx, vendor, holder.userId);
  const states = await t.adapter.deviceStatus(t.call, [udeviceId]);
  const state = states.find((s) => s.deviceId === udeviceId);
  if (!state || Object.keys(state.attrs).length === 0) return "no-answer";
  const [shadow] = await ctx.db
    .select({ attrs: deviceShadows.attrs })
    .from(deviceShadows)
    .where(eq(deviceShadows.udeviceId, udeviceId));
  if (shadow && !differs(shadow.attrs, state.attrs)) return "same";
  await ingestReport({
    db: ctx.reports.ingestDb,
    report: {
      udeviceId,
      dataType: "attr",
      deviceStatus: state.attrs,
      timestamp: String(ctx.now().getTime()),
    },
    vendorPlatId: vendor.platId,
    notifier: ctx.reports.notifier,
    ...(ctx.reports.delivery.handoff ? { handoff: ctx.reports.delivery.handoff } : {}),
    firstDelayMs: ctx.reports.delivery.firstDelayMs,
    source: "reconcile",
  });
  if (!ctx.reports.delivery.handoff) ctx.reports.delivery.kick();
  return shadow ? "drift" : "seeded";
}

/** Whether the vendor's answer says anything the shadow does not (values compared as text). */
function differs(shadow: Record<string, unknown>, polled: Record<string, string>): boolean {
  return Object.entries(polled).some(([k, v]) => shadow[k] === undefined || String(shadow[k]) !== v);
}
