import type { DeviceCommand, DeviceState } from "@yunlian/adapter-sdk";
import { bindings } from "@yunlian/db";
import type { DeviceInfo } from "@yunlian/protocol";
import { eq } from "drizzle-orm";
import type { RequestTrace } from "../../observability/request-context.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { type CommandToCheck, checkCommands } from "../models/check-command.ts";
import type { ModelRegistry } from "../models/model-registry.ts";
import { type CallAuthorization, requireAllBound } from "../users/authorize-call.ts";
import { type FanOutResult, fanOut, type VendorFailure } from "../vendor/fan-out.ts";
import { vendorTarget } from "../vendor/vendor-call.ts";
import { withoutBindingFields } from "./binding-fields.ts";
import { groupByVendor } from "./device-ids.ts";
import type { DevicesCtx } from "./devices-context.ts";
import { freshShadows, type ShadowState } from "./shadow-status.ts";

/**
 * The device interfaces that act on named, bound devices (modifyDeviceInfo, deviceStatus, op).
 * Each refuses an unknown manufacturer (404) and unbound devices (403) before the content of the
 * request is judged (`checkContent`, 400: docs/design.md §3.6's order) and before any vendor is
 * called, then splits by vendor and runs the vendors in parallel. A refusal is thrown before the
 * promise is made; the callers await it, so it reaches them as any rejection would.
 */
function onBoundDevices<T>(
  operation: string,
  ctx: DevicesCtx,
  auth: CallAuthorization,
  ids: readonly string[],
  trace: RequestTrace | undefined,
  send: (target: ReturnType<typeof vendorTarget>, ids: string[]) => Promise<T>,
  checkContent: () => void = () => {},
): Promise<FanOutResult<T>> {
  const groups = groupByVendor(ctx.registry, ids, auth.platform);
  requireAllBound(auth, ids);
  checkContent();
  // fanOut turns a throw of this function (vendorTarget's) into that vendor's failure.
  return fanOut(ctx, operation, groups, (vendor, vendorIds) =>
    send(vendorTarget(ctx, vendor, auth.userId, trace), vendorIds),
  );
}

/**
 * devices/deviceInfo (7.2.4): the one device call allowed before binding — "devices registered
 * and online on the platform", so an app can show what a scanned UDeviceID is before its user
 * binds it (docs/design.md §4). An unknown manufacturer code is still 404. For a device the user
 * has not bound, the hub nulls the binding's fields in the vendor's answer (binding-fields.ts).
 */
export async function deviceInfo(
  ctx: DevicesCtx,
  auth: CallAuthorization,
  ids: string[],
  trace?: RequestTrace,
) {
  const groups = groupByVendor(ctx.registry, ids, auth.platform);
  const result = await fanOut(ctx, "deviceInfo", groups, async (vendor, vendorIds) => {
    const t = vendorTarget(ctx, vendor, auth.userId, trace);
    return t.adapter.deviceInfo(t.call, vendorIds);
  });
  const byId = new Map<string, DeviceInfo>();
  // A vendor speaks only for the devices it was asked about: its answer naming another vendor's
  // device (a hostile vendor forging what another's appliance is) is dropped (issue 14).
  for (const { deviceIds, value } of result.done) {
    const asked = new Set(deviceIds);
    for (const info of value) if (info.deviceID && asked.has(info.deviceID)) byId.set(info.deviceID, info);
  }
  const devices = ids.flatMap((id) => {
    const info = byId.get(id);
    if (!info) return [];
    return [{ DeviceInfo: auth.bound.has(id) ? info : withoutBindingFields(info) }];
  });
  return { devices, failures: result.failures };
}

export async function modifyDeviceInfo(
  ctx: DevicesCtx,
  auth: CallAuthorization,
  infos: DeviceInfo[],
  trace?: RequestTrace,
): Promise<VendorFailure[]> {
  const ids = infos.map((i) => i.deviceID ?? "");
  const byId = new Map(infos.map((i) => [i.deviceID ?? "", i]));
  const result = await onBoundDevices("modifyDeviceInfo", ctx, auth, ids, trace, (t, vendorIds) =>
    t.adapter.modifyDeviceInfo(
      t.call,
      vendorIds.flatMap((id) => {
        const info = byId.get(id);
        return info ? [info] : [];
      }),
    ),
  );
  return result.failures;
}

/**
 * Device states in request order (standard 7.2.6), each entry echoing its deviceID (docs/design.md §3.4).
 * With `maxAgeSeconds` (the request's `Cache-Control: max-age`), a device whose shadow holds a
 * report no older than that is answered from the shadow, the others live in one call per vendor,
 * and every entry carries `StatusTime` (epoch ms as a string, like the standard's TimeStamp): the
 * shadow's latest report, or when the vendor answered. The binding check (403) comes first.
 */
export async function deviceStatus(
  ctx: DevicesCtx,
  auth: CallAuthorization,
  ids: string[],
  trace?: RequestTrace,
  maxAgeSeconds?: number,
) {
  let shadows = new Map<string, ShadowState>();
  if (maxAgeSeconds !== undefined) {
    groupByVendor(ctx.registry, ids, auth.platform);
    requireAllBound(auth, ids);
    shadows = await freshShadows(ctx, ids, maxAgeSeconds);
  }
  const live = ids.filter((id) => !shadows.has(id));
  const result: FanOutResult<DeviceState[]> =
    live.length === 0
      ? { done: [], failures: [] }
      : await onBoundDevices("deviceStatus", ctx, auth, live, trace, (t, vendorIds) =>
          t.adapter.deviceStatus(t.call, vendorIds),
        );
  const answeredAt = String(ctx.now().getTime());
  const byId = new Map<string, DeviceState>();
  for (const { value } of result.done) for (const state of value) byId.set(state.deviceId, state);
  const devices = ids.map((id) => {
    const shadow = shadows.get(id);
    if (shadow) {
      return {
        DeviceInfo: { deviceID: id },
        DeviceAttr: shadow.attrs,
        StatusTime: String(shadow.reportedAt.getTime()),
      };
    }
    const state = byId.get(id);
    const entry = state
      ? { DeviceInfo: { deviceID: id }, DeviceAttr: state.attrs }
      : { DeviceInfo: { deviceID: id } };
    return maxAgeSeconds !== undefined && state ? { ...entry, StatusTime: answeredAt } : entry;
  });
  return { devices, failures: result.failures };
}

/**
 * devices/op (7.2.7): 401 (the route's token check) → 403 (a device not bound to this user) →
 * 400 (a command that breaks its vendor's published model) → the vendors (docs/design.md §3.6).
 */
export async function operateDevices(
  ctx: DevicesCtx & { models: ModelRegistry },
  auth: CallAuthorization,
  commands: CommandToCheck[],
  trace?: RequestTrace,
): Promise<VendorFailure[]> {
  const ids = commands.map((c) => c.deviceId);
  const result = await onBoundDevices(
    "op",
    ctx,
    auth,
    ids,
    trace,
    (t, vendorIds) => {
      // The vendor's share of the commands; all of them when it owns every device (the groups
      // partition `ids`, one per command), as it usually does.
      const wanted = vendorIds.length === commands.length ? undefined : new Set(vendorIds);
      const sent: DeviceCommand[] = (wanted ? commands.filter((c) => wanted.has(c.deviceId)) : commands).map(
        (c) => ({ deviceId: c.deviceId, attrs: c.attrs }),
      );
      return t.adapter.op(t.call, sent);
    },
    () => checkCommands(ctx, commands),
  );
  return result.failures;
}

/**
 * users/devices (7.2.3): asks every vendor the user has bindings with, in parallel, and
 * keeps from each vendor's answer only the user's devices bound through that vendor.
 */
export async function listDevices(
  ctx: DevicesCtx,
  userId: string,
  filter: Partial<DeviceInfo> | undefined,
  trace?: RequestTrace,
) {
  const rows = await ctx.db
    .select({ udeviceId: bindings.udeviceId, vendorPlatId: bindings.vendorPlatId })
    .from(bindings)
    .where(eq(bindings.userId, userId));
  // Each bound device with the vendor it is bound through: only that vendor may list it.
  const boundThrough = new Map(rows.map((r) => [r.udeviceId, r.vendorPlatId]));
  const groups = new Map<PlatformRecord, string[]>();
  for (const r of rows) {
    const vendor = ctx.registry.get(r.vendorPlatId);
    if (!vendor) continue;
    // Appended in place: copying the group per device made a large account quadratic (issue 14).
    const group = groups.get(vendor);
    if (group) group.push(r.udeviceId);
    else groups.set(vendor, [r.udeviceId]);
  }
  const result = await fanOut(ctx, "listDevices", groups, async (vendor) => {
    const t = vendorTarget(ctx, vendor, userId, trace);
    return t.adapter.listDevices(t.call, filter);
  });
  // A vendor never widens the user's view, nor speaks for another vendor's devices (a hostile
  // vendor listing another's appliance with its own story is dropped, issue 14); once per device.
  const listed = new Set<string>();
  const devices = result.done.flatMap(({ vendor, value }) =>
    value
      .filter((info) => {
        const id = info.deviceID;
        if (!id || boundThrough.get(id) !== vendor.platId || listed.has(id)) return false;
        listed.add(id);
        return true;
      })
      .map((info) => ({ DeviceInfo: info })),
  );
  return { devices, failures: result.failures };
}
