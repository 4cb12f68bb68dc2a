import { deviceShadows } from "@yunlian/db";
import { and, gte, inArray } from "drizzle-orm";
import type { PlatformRegistry } from "../../registry/platform-registry.ts";
import type { DevicesCtx } from "./devices-context.ts";

/** One device's state as the hub's shadow holds it, with the time of its latest report. */
export interface ShadowState {
  attrs: Record<string, string>;
  /** When the hub received the report the state is as of. */
  reportedAt: Date;
}

/**
 * The shadows of `ids` whose latest report reached the hub no more than `maxAgeSeconds` ago
 * (docs/design.md §7, "Reads served from the hub"). A shadow written by another vendor than the
 * one that owns the device's manufacturer code now is not used. The shadow is every report of the
 * device merged (packages/delivery ingest), with `onLine` from its latest onOffline report.
 * Callers check the bindings first: this reads any device.
 */
export async function freshShadows(
  ctx: Pick<DevicesCtx, "db" | "now"> & { registry: Pick<PlatformRegistry, "vendorFor"> },
  ids: readonly string[],
  maxAgeSeconds: number,
): Promise<Map<string, ShadowState>> {
  const fresh = new Map<string, ShadowState>();
  if (ids.length === 0) return fresh;
  const since = new Date(ctx.now().getTime() - maxAgeSeconds * 1000);
  const rows = await ctx.db
    .select({
      udeviceId: deviceShadows.udeviceId,
      vendorPlatId: deviceShadows.vendorPlatId,
      attrs: deviceShadows.attrs,
      online: deviceShadows.online,
      lastReportAt: deviceShadows.lastReportAt,
    })
    .from(deviceShadows)
    .where(and(inArray(deviceShadows.udeviceId, [...new Set(ids)]), gte(deviceShadows.lastReportAt, since)));
  for (const row of rows) {
    if (ctx.registry.vendorFor(row.udeviceId)?.platId !== row.vendorPlatId) continue;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(row.attrs)) attrs[k] = typeof v === "string" ? v : JSON.stringify(v);
    if (row.online !== null) attrs.onLine = row.online ? "True" : "False";
    fresh.set(row.udeviceId, { attrs, reportedAt: row.lastReportAt });
  }
  return fresh;
}

/**
 * The `max-age` of a request's `Cache-Control` header, in seconds, or undefined when the header
 * is absent or carries no well-formed max-age (then the read is live, as the standard has it).
 */
export function maxAgeOf(cacheControl: string | string[] | undefined): number | undefined {
  const value = Array.isArray(cacheControl) ? cacheControl.join(",") : cacheControl;
  if (!value) return undefined;
  for (const directive of value.split(",")) {
    const match = /^\s*max-age\s*=\s*"?(\d{1,10})"?\s*$/i.exec(directive);
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}
