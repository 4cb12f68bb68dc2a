import { bindings, deviceGrants } from "@yunlian/db";
import { endOpenDeliveries, enqueueNotice } from "@yunlian/delivery";
import { and, asc, eq, or, type SQL } from "drizzle-orm";
import { forbidden, invalid, notFound } from "../../lib/hub-error.ts";
import { type Actor, type AuditCtx, audit } from "../audit/audit.ts";
import { atVendors } from "../devices/bind.ts";
import type { DevicesCtx } from "../devices/devices-context.ts";
import { lockDevices } from "../devices/trust-rule.ts";
import type { GrantInput } from "./grant-input.ts";

/**
 * Sharing grants (standard 7.2.1's trust rule, docs/design.md §4): the platform through which a
 * device is bound lets another platform's users bind it too. What granting, listing and revoking use.
 */
export interface GrantsCtx extends DevicesCtx, AuditCtx {
  /** Wakes the delivery of the grant notices (the DatabaseHandle). */
  notifier: { notify(channel: string, payload: string): Promise<void> };
  /** Delay before a notice's first attempt (HUB_DELIVERY_BACKOFF's first entry). */
  firstDelayMs: number;
}

/** A grant as the APIs show it. */
export interface GrantView {
  deviceId: string;
  grantorPlatId: string;
  granteePlatId: string;
  createdAt: string;
}

/** The DataType of the notice both platforms receive at their dataGateway on a grant or revocation. */
const GRANT_DATA_TYPE = "grant";

const view = (g: typeof deviceGrants.$inferSelect): GrantView => ({
  deviceId: g.udeviceId,
  grantorPlatId: g.grantedBy,
  granteePlatId: g.granteePlatId,
  createdAt: g.createdAt.toISOString(),
});

const auditAction = (actor: Actor, verb: string) => `${actor.viaSelf ? "self." : ""}grant.${verb}`;

/**
 * Grants `granteePlatId`'s users the device. The grantor must hold it (a user of it has bound the
 * device) in its own right, not through a grant of another platform (403 otherwise: re-sharing is
 * the owner's to decide). Granting again what is granted is not an error (`created` false).
 */
export async function grantDevice(
  ctx: GrantsCtx,
  input: GrantInput,
  actor: Actor,
): Promise<{ grant: GrantView; created: boolean }> {
  const { deviceId, grantorPlatId, granteePlatId } = input;
  const refuse = async (err: Error) => {
    await audit(ctx, {
      actor: actor.actor,
      action: auditAction(actor, "create"),
      target: deviceId,
      outcome: "denied",
      detail: { grantorPlatId, granteePlatId, reason: err.message },
    });
    return err;
  };
  if (grantorPlatId === granteePlatId)
    throw await refuse(invalid("a platform cannot grant a device to itself"));
  const grantee = ctx.registry.get(granteePlatId);
  if (!grantee) throw await refuse(notFound(`no platform ${granteePlatId}`));
  // A grant must not carry a device across namespaces (docs/design.md §7 "Sandbox").
  const grantor = ctx.registry.get(grantorPlatId);
  if (grantor && grantor.sandbox !== grantee.sandbox) {
    throw await refuse(
      forbidden(
        `platform ${grantorPlatId} cannot grant to ${granteePlatId}: one is a sandbox platform, the other a production one; sandbox and production never mix`,
      ),
    );
  }
  if (!(await holdsInOwnRight(ctx, grantorPlatId, deviceId))) {
    throw await refuse(
      forbidden(
        `platform ${grantorPlatId} cannot grant device ${deviceId}: no user of it has bound the device in its own right`,
      ),
    );
  }
  const [inserted] = await ctx.db
    .insert(deviceGrants)
    .values({ udeviceId: deviceId, granteePlatId, grantedBy: grantorPlatId, createdAt: ctx.now() })
    .onConflictDoNothing()
    .returning();
  if (!inserted) {
    const [existing] = await ctx.db
      .select()
      .from(deviceGrants)
      .where(and(eq(deviceGrants.udeviceId, deviceId), eq(deviceGrants.granteePlatId, granteePlatId)));
    if (existing) return { grant: view(existing), created: false };
    throw notFound(`the grant of ${deviceId} to ${granteePlatId} was revoked meanwhile`);
  }
  await audit(ctx, {
    actor: actor.actor,
    action: auditAction(actor, "create"),
    target: deviceId,
    outcome: "ok",
    detail: { grantorPlatId, granteePlatId },
  });
  await notify(ctx, "granted", deviceId, grantorPlatId, granteePlatId);
  return { grant: view(inserted), created: true };
}

/** A platform holds a device in its own right: a user of it bound it, and no grant let it. */
async function holdsInOwnRight(ctx: GrantsCtx, platId: string, deviceId: string): Promise<boolean> {
  const [bound] = await ctx.db
    .select({ userId: bindings.userId })
    .from(bindings)
    .where(and(eq(bindings.udeviceId, deviceId), eq(bindings.platId, platId)))
    .limit(1);
  if (!bound) return false;
  const [granted] = await ctx.db
    .select({ udeviceId: deviceGrants.udeviceId })
    .from(deviceGrants)
    .where(and(eq(deviceGrants.udeviceId, deviceId), eq(deviceGrants.granteePlatId, platId)))
    .limit(1);
  return !granted;
}

/**
 * Grants, oldest first. `involving`: only those a platform made or received (self-service);
 * `platId` / `deviceId`: the operator's filters.
 */
export async function listGrants(
  ctx: Pick<GrantsCtx, "db">,
  filter: { involving?: string; platId?: string; deviceId?: string },
): Promise<GrantView[]> {
  const conditions: SQL[] = [];
  for (const platId of [filter.involving, filter.platId]) {
    if (!platId) continue;
    const either = or(eq(deviceGrants.grantedBy, platId), eq(deviceGrants.granteePlatId, platId));
    if (either) conditions.push(either);
  }
  if (filter.deviceId) conditions.push(eq(deviceGrants.udeviceId, filter.deviceId));
  const rows = await ctx.db
    .select()
    .from(deviceGrants)
    .where(and(...conditions))
    .orderBy(asc(deviceGrants.createdAt), asc(deviceGrants.udeviceId));
  return rows.map(view);
}

/**
 * Revokes a grant: the grantee's users lose the device (their bindings go at once, in the
 * transaction that deletes the grant and under the device's bind lock, so a bind in flight cannot
 * slip past; then the vendor is asked to unbind them too, best effort), so no further status report
 * of it is delivered to the grantee, and the open deliveries (retries) of earlier reports to it end
 * as dead. `grantorPlatId`: only that platform's grant (self-service).
 */
export async function revokeGrant(
  ctx: GrantsCtx,
  input: { deviceId: string; granteePlatId: string; grantorPlatId?: string },
  actor: Actor,
): Promise<{ grant: GrantView; unboundUsers: number }> {
  const { deviceId, granteePlatId } = input;
  const outcome = await ctx.db.transaction(async (tx) => {
    await lockDevices(tx, [deviceId]);
    const mine = and(
      eq(deviceGrants.udeviceId, deviceId),
      eq(deviceGrants.granteePlatId, granteePlatId),
      input.grantorPlatId ? eq(deviceGrants.grantedBy, input.grantorPlatId) : undefined,
    );
    const [grant] = await tx.delete(deviceGrants).where(mine).returning();
    if (!grant) return undefined;
    const unbound = await tx
      .delete(bindings)
      .where(and(eq(bindings.udeviceId, deviceId), eq(bindings.platId, granteePlatId)))
      .returning({ userId: bindings.userId });
    return { grant, userIds: unbound.map((u) => u.userId) };
  });
  if (!outcome) {
    await audit(ctx, {
      actor: actor.actor,
      action: auditAction(actor, "revoke"),
      target: deviceId,
      outcome: "denied",
      detail: { granteePlatId, reason: "no such grant" },
    });
    throw notFound(`no grant of device ${deviceId} to platform ${granteePlatId}`);
  }
  const { grant, userIds } = outcome;
  for (const userId of userIds) await ctx.authChanges.announce(`u:${userId}`);
  // Retries of reports received before the revocation stop too: the grantee no longer has the device.
  const endedDeliveries = await endOpenDeliveries(ctx.db, {
    platId: granteePlatId,
    udeviceId: deviceId,
    error: `grant of ${deviceId} revoked by ${grant.grantedBy}: not delivered any more`,
    now: ctx.now(),
  });
  await unbindAtVendor(ctx, deviceId, userIds);
  await audit(ctx, {
    actor: actor.actor,
    action: auditAction(actor, "revoke"),
    target: deviceId,
    outcome: "ok",
    detail: { grantorPlatId: grant.grantedBy, granteePlatId, unboundUsers: userIds.length, endedDeliveries },
  });
  await notify(ctx, "revoked", deviceId, grant.grantedBy, granteePlatId);
  return { grant: view(grant), unboundUsers: userIds.length };
}

/** The vendor's bindings of the grantee's users go too; what a vendor refuses is logged, not retried. */
async function unbindAtVendor(ctx: GrantsCtx, deviceId: string, userIds: readonly string[]) {
  for (const userId of userIds) {
    try {
      const { failed } = await atVendors(ctx, "unbind", userId, [deviceId]);
      const reason = failed.get(deviceId);
      if (reason) ctx.log.warn({ userId, deviceId, reason }, "grant revoked; the vendor kept its binding");
    } catch (err) {
      ctx.log.warn({ err, userId, deviceId }, "grant revoked; unbinding at the vendor failed");
    }
  }
}

/** The notice both platforms get at their dataGateway (DataType "grant"), signed and retried like a report. */
async function notify(
  ctx: GrantsCtx,
  event: "granted" | "revoked",
  deviceId: string,
  grantorPlatId: string,
  granteePlatId: string,
) {
  try {
    await enqueueNotice({
      db: ctx.db,
      udeviceId: deviceId,
      vendorPlatId: ctx.registry.vendorFor(deviceId)?.platId ?? grantorPlatId,
      dataType: GRANT_DATA_TYPE,
      deviceStatus: { grant: event, grantorPlatId, granteePlatId },
      platIds: [grantorPlatId, granteePlatId],
      notifier: ctx.notifier,
      firstDelayMs: ctx.firstDelayMs,
      now: ctx.now(),
    });
  } catch (err) {
    // The grant change is committed and audited; a lost notice must not turn it into an error.
    ctx.log.error({ err, deviceId, event }, "could not queue the grant notice");
  }
}
