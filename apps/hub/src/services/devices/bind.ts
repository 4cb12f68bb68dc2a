import { bindings, deviceGrants } from "@yunlian/db";
import { parseUDeviceId } from "@yunlian/protocol";
import { and, eq, inArray, ne } from "drizzle-orm";
import type { RequestTrace } from "../../observability/request-context.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import type { HubServices } from "../hub-services.ts";
import { announceAuthChange } from "../users/authorize-call.ts";
import { fanOut } from "../vendor/fan-out.ts";
import { vendorTarget } from "../vendor/vendor-call.ts";
import { boundIds } from "./bindings-query.ts";

export interface BindOutcome {
  failed: Map<string, string>;
}

/**
 * user/bindDevices (7.2.1). Per device: a malformed ID, an unregistered manufacturer code or
 * the trust rule land it in FailedIDs with the reason, and nothing reaches the vendor for it;
 * the rest go to their vendors in parallel, and what the vendor bound is recorded as a binding.
 */
export async function bindDevices(
  services: HubServices,
  platform: PlatformRecord,
  userId: string,
  requested: readonly string[],
  trace?: RequestTrace,
): Promise<BindOutcome> {
  const failed = new Map<string, string>();
  const candidates = routable(services, requested, failed);

  await applyTrustRule(services, platform, candidates, failed);
  const alreadyMine = await boundIds(services, userId, candidates);
  const groups = new Map<PlatformRecord, string[]>();
  for (const id of candidates) {
    if (failed.has(id) || alreadyMine.has(id)) continue; // binding again is a no-op, not an error
    const vendor = services.registry.vendorFor(id);
    if (!vendor) continue;
    groups.set(vendor, [...(groups.get(vendor) ?? []), id]);
  }

  const result = await fanOut(services, "bind", groups, async (vendor, ids) => {
    const t = vendorTarget(services, vendor, userId, trace);
    return t.adapter.bind(t.call, ids);
  });
  const newBindings: (typeof bindings.$inferInsert)[] = [];
  for (const { vendor, deviceIds, value } of result.done) {
    const refused = new Set(value.failedIds);
    for (const id of deviceIds) {
      if (refused.has(id))
        failed.set(id, `vendor ${vendor.platId} refused it${value.info ? `: ${value.info}` : ""}`);
      else newBindings.push({ userId, udeviceId: id, platId: platform.platId, vendorPlatId: vendor.platId });
    }
  }
  for (const f of result.failures) for (const id of f.deviceIds) failed.set(id, f.info);
  if (newBindings.length > 0) {
    await services.db.insert(bindings).values(newBindings).onConflictDoNothing();
    await announceAuthChange(services, `u:${userId}`);
  }
  return { failed };
}

/** user/unbindDevices (7.2.2): only devices bound to this user; the binding goes when the vendor agrees. */
export async function unbindDevices(
  services: HubServices,
  userId: string,
  requested: readonly string[],
  trace?: RequestTrace,
): Promise<BindOutcome> {
  const failed = new Map<string, string>();
  const candidates = routable(services, requested, failed);
  const mine = await boundIds(services, userId, candidates);
  const groups = new Map<PlatformRecord, string[]>();
  for (const id of candidates) {
    if (failed.has(id)) continue;
    if (!mine.has(id)) {
      failed.set(id, "not bound to this user");
      continue;
    }
    const vendor = services.registry.vendorFor(id);
    if (vendor) groups.set(vendor, [...(groups.get(vendor) ?? []), id]);
  }
  const result = await fanOut(services, "unbind", groups, async (vendor, ids) => {
    const t = vendorTarget(services, vendor, userId, trace);
    return t.adapter.unbind(t.call, ids);
  });
  const removed: string[] = [];
  for (const { vendor, deviceIds, value } of result.done) {
    const refused = new Set(value.failedIds);
    for (const id of deviceIds) {
      if (refused.has(id))
        failed.set(id, `vendor ${vendor.platId} refused it${value.info ? `: ${value.info}` : ""}`);
      else removed.push(id);
    }
  }
  for (const f of result.failures) for (const id of f.deviceIds) failed.set(id, f.info);
  if (removed.length > 0) {
    await services.db
      .delete(bindings)
      .where(and(eq(bindings.userId, userId), inArray(bindings.udeviceId, removed)));
    await announceAuthChange(services, `u:${userId}`);
  }
  return { failed };
}

/** Unique IDs that parse and have a registered vendor; the others go to `failed` with the reason. */
function routable(
  services: HubServices,
  requested: readonly string[],
  failed: Map<string, string>,
): string[] {
  const out: string[] = [];
  for (const id of new Set(requested)) {
    const parsed = parseUDeviceId(id);
    if (!parsed.ok) failed.set(id, `not a UDeviceID (${parsed.error.part}: ${parsed.error.reason})`);
    else if (!services.registry.vendorFor(id)) {
      failed.set(id, `no registered vendor owns manufacturer code ${parsed.value.manufacturerCode}`);
    } else out.push(id);
  }
  return out;
}

/**
 * Standard 7.2.1: a device already bound may be bound again only by a user the owner trusts.
 * A platform vouches for its own users; a device bound through another platform is refused
 * unless that platform granted it to this one (DESIGN.md §4).
 */
async function applyTrustRule(
  services: HubServices,
  platform: PlatformRecord,
  ids: readonly string[],
  failed: Map<string, string>,
): Promise<void> {
  if (ids.length === 0) return;
  const foreign = await services.db
    .selectDistinct({ udeviceId: bindings.udeviceId, platId: bindings.platId })
    .from(bindings)
    .where(and(inArray(bindings.udeviceId, [...ids]), ne(bindings.platId, platform.platId)));
  if (foreign.length === 0) return;
  const grants = await services.db
    .select({ udeviceId: deviceGrants.udeviceId })
    .from(deviceGrants)
    .where(
      and(
        eq(deviceGrants.granteePlatId, platform.platId),
        inArray(
          deviceGrants.udeviceId,
          foreign.map((f) => f.udeviceId),
        ),
      ),
    );
  const granted = new Set(grants.map((g) => g.udeviceId));
  for (const f of foreign) {
    if (!granted.has(f.udeviceId)) {
      failed.set(
        f.udeviceId,
        `already bound through platform ${f.platId}, which has not granted it to platform ${platform.platId}`,
      );
    }
  }
}
