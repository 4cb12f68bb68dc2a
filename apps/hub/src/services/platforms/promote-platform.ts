import {
  bindings,
  deliveries,
  deviceGrants,
  deviceShadows,
  hubUsers,
  platforms,
  statusReports,
  vendorSessions,
} from "@yunlian/db";
import { eq, or } from "drizzle-orm";
import { conflict, notFound } from "../../lib/hub-error.ts";
import type { Actor } from "../audit/audit.ts";
import { audit } from "../audit/audit.ts";
import type { CertificationStatus } from "./certification-status.ts";
import { type PlatformsCtx, type RotatedSecrets, reloaded } from "./manage-platforms.ts";
import { issuePlatformSecrets } from "./platform-secrets.ts";
import { platformView } from "./platform-view.ts";

/** What promotion uses: the registry's context and the certification port. */
export interface PromoteCtx extends PlatformsCtx {
  certification: CertificationStatus;
}

/** The promotion answer: the platform as it is now, and its fresh secrets, shown this once. */
export interface Promoted extends Omit<RotatedSecrets, "previousSecretValidUntil"> {
  platform: ReturnType<typeof platformView>;
  /** When the certification port says it was certified; null when promoted with force. */
  certifiedAt: string | null;
  forced: boolean;
  /** What was deleted with the sandbox: its test users, bindings, grants, shadows, reports, deliveries. */
  removed: { users: number; bindings: number; grants: number; devices: number };
}

/**
 * Promotes a sandbox platform to production (docs/design.md §7 "Sandbox"). It must be certified
 * (the CertificationStatus port) unless the operator forces it (audited as forced). It keeps
 * its settings (URLs, adapter, manufacturer codes, security) and gets fresh secrets at once —
 * no grace: the sandbox's secrets were handed around for testing, and production starts clean.
 * What it held in the sandbox was test data and is deleted in the same transaction: its users
 * (with their tokens, bindings and vendor sessions), the bindings of its devices held by other
 * sandbox platforms' users, grants it gave or received, its devices' shadows and reports, and
 * the deliveries it was to receive. Audited (`platform.promote`, with `forced`).
 */
export async function promotePlatform(
  ctx: PromoteCtx,
  platId: string,
  by: Actor,
  options: { force?: boolean } = {},
): Promise<Promoted> {
  const current = ctx.registry.get(platId);
  if (!current) throw notFound(`platform ${platId} not found`);
  if (!current.sandbox)
    throw conflict(`platform ${platId} is not in the sandbox: there is nothing to promote`);
  const certifiedAt = await ctx.certification.certifiedAt(platId);
  const forced = certifiedAt === null && options.force === true;
  if (certifiedAt === null && !forced) {
    await audit(ctx, {
      actor: by.actor,
      action: "platform.promote",
      target: platId,
      outcome: "denied",
      detail: { reason: "not certified" },
    });
    throw conflict(
      `platform ${platId} is not certified: run a certification against its cloud first, or promote with {"force": true}`,
    );
  }
  const result = await ctx.db.transaction(async (tx) => {
    // Locked: a second promotion (or a rotation) waits, then finds the platform in production.
    const [row] = await tx
      .select({ sandbox: platforms.sandbox })
      .from(platforms)
      .where(eq(platforms.platId, platId))
      .for("update");
    if (!row) throw notFound(`platform ${platId} not found`);
    if (!row.sandbox) throw conflict(`platform ${platId} is not in the sandbox: there is nothing to promote`);
    // Its users' bindings and those of its devices (other sandbox platforms' users), then its
    // users (their tokens, verify tokens and vendor sessions go with them: cascade).
    const boundRows = await tx
      .delete(bindings)
      .where(or(eq(bindings.vendorPlatId, platId), eq(bindings.platId, platId)))
      .returning({ userId: bindings.userId });
    const users = await tx
      .delete(hubUsers)
      .where(eq(hubUsers.platId, platId))
      .returning({ userId: hubUsers.userId });
    await tx.delete(vendorSessions).where(eq(vendorSessions.vendorPlatId, platId));
    const grants = await tx
      .delete(deviceGrants)
      .where(or(eq(deviceGrants.granteePlatId, platId), eq(deviceGrants.grantedBy, platId)))
      .returning({ udeviceId: deviceGrants.udeviceId });
    const shadows = await tx
      .delete(deviceShadows)
      .where(eq(deviceShadows.vendorPlatId, platId))
      .returning({ udeviceId: deviceShadows.udeviceId });
    // Its reports' deliveries go with them (trigger, migrations/0008); then what it was to receive.
    await tx.delete(statusReports).where(eq(statusReports.vendorPlatId, platId));
    await tx.delete(deliveries).where(eq(deliveries.platId, platId));
    const secrets = issuePlatformSecrets(ctx.keyring, platId);
    const now = ctx.now();
    await tx
      .update(platforms)
      .set({ ...secrets.columns, sandbox: false, promotedAt: now, updatedAt: now })
      .where(eq(platforms.platId, platId));
    return {
      clear: secrets.clear,
      removed: {
        users: users.length,
        bindings: boundRows.length,
        grants: grants.length,
        devices: shadows.length,
      },
    };
  });
  // Its users, tokens and bindings are gone: no instance may keep serving them from a cache.
  await ctx.authChanges.announce("*");
  const record = await reloaded(ctx, platId);
  await audit(ctx, {
    actor: by.actor,
    action: "platform.promote",
    target: platId,
    outcome: "ok",
    detail: { forced, certifiedAt: certifiedAt?.toISOString() ?? null, removed: result.removed },
  });
  const platform = platformView(record, ctx.publicUrl);
  return {
    platform,
    ...result.clear,
    ...(platform.ingestUrl === null ? {} : { ingestUrl: platform.ingestUrl }),
    certifiedAt: certifiedAt?.toISOString() ?? null,
    forced,
    removed: result.removed,
  };
}
