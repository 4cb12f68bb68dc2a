import { bindings, hubUsers } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { invalid } from "../../lib/hub-error.ts";
import type { RequestTrace } from "../../observability/request-context.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { unbindDevices } from "../devices/bind.ts";
import type { DevicesCtx } from "../devices/devices-context.ts";
import { type FanOutResult, fanOut } from "../vendor/fan-out.ts";
import { vendorTarget } from "../vendor/vendor-call.ts";
import { authenticateToken, revokeToken } from "./access-tokens.ts";
import { endVendorSessions } from "./end-vendor-sessions.ts";

/**
 * user/logout (7.1.2): the AccessToken in the header is destroyed, and the sessions the hub
 * opened at vendors for this user are ended there too (best effort, end-vendor-sessions.ts).
 */
export async function logout(
  ctx: DevicesCtx,
  platform: PlatformRecord,
  accessToken: string | undefined,
  trace?: RequestTrace,
) {
  const { tokenHash, userId } = await authenticateToken(ctx, platform, accessToken);
  await revokeToken(ctx, tokenHash);
  await ctx.authChanges.announce(`t:${tokenHash}`);
  await endVendorSessions(ctx, userId, trace);
}

/**
 * user/unregister (7.1.3): the user's devices are unbound at each vendor, the hub's vendor
 * sessions ended, and the hub user deleted (tokens, sessions and bindings cascade). The
 * body's loginID must be the token's own user: a token cannot unregister someone else.
 */
export async function unregister(
  ctx: DevicesCtx,
  platform: PlatformRecord,
  accessToken: string | undefined,
  loginId: string | undefined,
  trace?: RequestTrace,
): Promise<{ unbindFailures: Map<string, string>; logoutFailures: FanOutResult<void>["failures"] }> {
  const { userId } = await authenticateToken(ctx, platform, accessToken);
  const [user] = await ctx.db
    .select({ loginId: hubUsers.loginId })
    .from(hubUsers)
    .where(eq(hubUsers.userId, userId));
  if (loginId !== undefined && user && user.loginId !== loginId) {
    throw invalid(`User[0].UserBase.loginID: "${loginId}" is not the user this AccessToken belongs to`);
  }

  const bound = await ctx.db
    .select({ udeviceId: bindings.udeviceId, vendorPlatId: bindings.vendorPlatId })
    .from(bindings)
    .where(eq(bindings.userId, userId));
  const { failed } = await unbindDevices(
    ctx,
    userId,
    bound.map((b) => b.udeviceId),
    trace,
  );

  const vendors = new Set(bound.map((b) => b.vendorPlatId));
  const groups = new Map<PlatformRecord, string[]>();
  for (const platId of vendors) {
    const vendor = ctx.registry.get(platId);
    if (vendor) groups.set(vendor, []);
  }
  const ended = await fanOut(ctx, "unregister", groups, async (vendor) => {
    const t = vendorTarget(ctx, vendor, userId, trace);
    await t.adapter.unregister(t.call);
  });

  await ctx.db.delete(hubUsers).where(eq(hubUsers.userId, userId));
  ctx.sessions.deleteUser(userId);
  await ctx.authChanges.announce(`u:${userId}`);
  return { unbindFailures: failed, logoutFailures: ended.failures };
}
