import { bindings } from "@yunlian/db";
import { parseUDeviceId } from "@yunlian/protocol";
import { and, eq, inArray } from "drizzle-orm";
import type { RequestTrace } from "../../observability/request-context.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { fanOut } from "../vendor/fan-out.ts";
import { vendorTarget } from "../vendor/vendor-call.ts";
import { boundIds } from "./bindings-query.ts";
import { groupByVendor } from "./device-ids.ts";
import type { DevicesCtx } from "./devices-context.ts";
import { namespaceRefusal } from "./namespace.ts";
import { recordBindings, trustRefusals } from "./trust-rule.ts";

export interface BindOutcome {
  failed: Map<string, string>;
}

/**
 * user/bindDevices (7.2.1). Per device: a malformed ID, an unregistered manufacturer code or
 * the trust rule land it in FailedIDs with the reason, and nothing reaches the vendor for it;
 * the rest go to their vendors in parallel, and what the vendor bound is recorded as a binding.
 */
export async function bindDevices(
  ctx: DevicesCtx,
  platform: PlatformRecord,
  userId: string,
  requested: readonly string[],
  trace?: RequestTrace,
): Promise<BindOutcome> {
  const failed = new Map<string, string>();
  const candidates = routable(ctx, requested, failed, platform);

  // Checked before asking any vendor, so a refused device never reaches one; checked again when
  // the bindings are recorded (recordBindings), where concurrent binds cannot race past it.
  for (const [id, reason] of await trustRefusals(ctx.db, platform, candidates)) failed.set(id, reason);
  const alreadyMine = await boundIds(ctx, userId, candidates);
  // binding again is a no-op, not an error
  const toBind = candidates.filter((id) => !failed.has(id) && !alreadyMine.has(id));
  const vendors = await atVendors(ctx, "bind", userId, toBind, trace);
  for (const [id, reason] of vendors.failed) failed.set(id, reason);
  const newBindings = vendors.accepted.map(({ id, vendor }) => ({
    userId,
    udeviceId: id,
    platId: platform.platId,
    vendorPlatId: vendor.platId,
  }));
  if (newBindings.length > 0) {
    const lost = await recordBindings(ctx.db, platform, newBindings);
    if (lost.size < newBindings.length) await ctx.authChanges.announce(`u:${userId}`);
    if (lost.size > 0) await undoVendorBinds(ctx, userId, lost, failed, trace);
  }
  return { failed };
}

/**
 * A vendor bound devices that another platform's user got first (recordBindings refused them):
 * the vendor's binding is undone, so the vendor and the hub agree again. Best effort: what the
 * vendor does not undo is said in the device's FailedIDs reason and logged.
 */
async function undoVendorBinds(
  ctx: DevicesCtx,
  userId: string,
  lost: Map<string, string>,
  failed: Map<string, string>,
  trace?: RequestTrace,
): Promise<void> {
  const { failed: notUndone } = await atVendors(ctx, "unbind", userId, [...lost.keys()], trace);
  for (const [id, reason] of lost) {
    const undo = notUndone.get(id);
    failed.set(
      id,
      `${reason} (bound there meanwhile; ${undo ? `the vendor's binding could not be undone: ${undo}` : "the vendor's binding was undone"})`,
    );
  }
  if (notUndone.size > 0) {
    ctx.log.warn(
      { userId, devices: Object.fromEntries(notUndone), requestId: trace?.requestId },
      "bind lost to another platform's user; the vendor still holds a binding the hub does not",
    );
  }
}

/** user/unbindDevices (7.2.2): only devices bound to this user; the binding goes when the vendor agrees. */
export async function unbindDevices(
  ctx: DevicesCtx,
  userId: string,
  requested: readonly string[],
  trace?: RequestTrace,
): Promise<BindOutcome> {
  const failed = new Map<string, string>();
  const candidates = routable(ctx, requested, failed);
  const mine = await boundIds(ctx, userId, candidates);
  for (const id of candidates) if (!mine.has(id)) failed.set(id, "not bound to this user");
  const vendors = await atVendors(
    ctx,
    "unbind",
    userId,
    candidates.filter((id) => mine.has(id)),
    trace,
  );
  for (const [id, reason] of vendors.failed) failed.set(id, reason);
  const removed = vendors.accepted.map((a) => a.id);
  if (removed.length > 0) {
    await ctx.db
      .delete(bindings)
      .where(and(eq(bindings.userId, userId), inArray(bindings.udeviceId, removed)));
    await ctx.authChanges.announce(`u:${userId}`);
  }
  return { failed };
}

/**
 * Asks each device's vendor (in parallel, one call per vendor) to bind or unbind it for `userId`.
 * `accepted`: what the vendors did; `failed`: what a vendor refused or could not be reached for, with why.
 */
export async function atVendors(
  ctx: DevicesCtx,
  action: "bind" | "unbind",
  userId: string,
  ids: readonly string[],
  trace?: RequestTrace,
): Promise<{ accepted: { id: string; vendor: PlatformRecord }[]; failed: Map<string, string> }> {
  // Every id here is routable (it has a vendor). Grouped in place: copying a vendor's group for
  // every device made a 10,000-device bind quadratic (issue 14).
  const groups = groupByVendor(ctx.registry, ids);
  const result = await fanOut(ctx, action, groups, async (vendor, vendorIds) => {
    const t = vendorTarget(ctx, vendor, userId, trace);
    return action === "bind" ? t.adapter.bind(t.call, vendorIds) : t.adapter.unbind(t.call, vendorIds);
  });
  const accepted: { id: string; vendor: PlatformRecord }[] = [];
  const failed = new Map<string, string>();
  for (const { vendor, deviceIds, value } of result.done) {
    const refused = new Set(value.failedIds);
    for (const id of deviceIds) {
      if (refused.has(id))
        failed.set(id, `vendor ${vendor.platId} refused it${value.info ? `: ${value.info}` : ""}`);
      else accepted.push({ id, vendor });
    }
  }
  for (const f of result.failures) for (const id of f.deviceIds) failed.set(id, f.info);
  return { accepted, failed };
}

/**
 * Unique IDs that parse and have a registered vendor — in the `caller`'s namespace, when given
 * (a bind: namespace.ts); the others go to `failed` with the reason.
 */
function routable(
  ctx: DevicesCtx,
  requested: readonly string[],
  failed: Map<string, string>,
  caller?: PlatformRecord,
): string[] {
  const out: string[] = [];
  for (const id of new Set(requested)) {
    const parsed = parseUDeviceId(id);
    if (!parsed.ok) {
      failed.set(id, `not a UDeviceID (${parsed.error.part}: ${parsed.error.reason})`);
      continue;
    }
    const vendor = ctx.registry.vendorFor(id);
    const refusal = vendor && caller && namespaceRefusal(caller, vendor, id);
    if (!vendor)
      failed.set(id, `no registered vendor owns manufacturer code ${parsed.value.manufacturerCode}`);
    else if (refusal) failed.set(id, refusal);
    else out.push(id);
  }
  return out;
}
