import { accessTokens } from "@yunlian/db";
import { randomToken, sha256Hex } from "@yunlian/secrets";
import { eq } from "drizzle-orm";
import { unauthorized } from "../../lib/hub-error.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import type { UsersCtx } from "./users-context.ts";

/** Issues a hub AccessToken (256-bit random; only its SHA-256 is stored). */
export async function issueAccessToken(
  ctx: Pick<UsersCtx, "db" | "now" | "tokenTtlMs">,
  platId: string,
  userId: string,
): Promise<string> {
  const token = randomToken();
  await ctx.db.insert(accessTokens).values({
    tokenHash: sha256Hex(token),
    userId,
    platId,
    expiresAt: new Date(ctx.now().getTime() + ctx.tokenTtlMs),
  });
  return token;
}

/**
 * The one set of rules for a presented AccessToken, whether it was read from the database or from
 * the AuthCache: issued to this platform, not revoked, not expired, and — when the request names a
 * UserID — issued to that user. Every failure is a 401 saying which rule.
 */
export function assertTokenValid(
  token: { userId: string; platId: string; expiresAt: Date | number; revokedAt?: Date | null } | undefined,
  platform: PlatformRecord,
  now: Date,
  expectedUserId?: string,
): asserts token is { userId: string; platId: string; expiresAt: Date | number } {
  if (!token || token.platId !== platform.platId) throw unauthorized("AccessToken is unknown");
  if (token.revokedAt) throw unauthorized("AccessToken has been revoked (the user logged out)");
  if (new Date(token.expiresAt) <= now) throw unauthorized("AccessToken has expired: log in again");
  if (expectedUserId !== undefined && token.userId !== expectedUserId) {
    throw unauthorized("AccessToken was not issued to this UserID");
  }
}

/** The hub user an AccessToken was issued to (logout, unregister: read from the database, never cached). */
export async function authenticateToken(
  ctx: Pick<UsersCtx, "db" | "now">,
  platform: PlatformRecord,
  token: string | undefined,
): Promise<{ userId: string; tokenHash: string }> {
  if (!token) throw unauthorized("header AccessToken is required for this interface");
  const tokenHash = sha256Hex(token);
  const [row] = await ctx.db
    .select({
      userId: accessTokens.userId,
      platId: accessTokens.platId,
      expiresAt: accessTokens.expiresAt,
      revokedAt: accessTokens.revokedAt,
    })
    .from(accessTokens)
    .where(eq(accessTokens.tokenHash, tokenHash));
  assertTokenValid(row, platform, ctx.now());
  return { userId: row.userId, tokenHash };
}

/** Revokes one token (logout). */
export async function revokeToken(ctx: Pick<UsersCtx, "db" | "now">, tokenHash: string): Promise<void> {
  await ctx.db
    .update(accessTokens)
    .set({ revokedAt: ctx.now() })
    .where(eq(accessTokens.tokenHash, tokenHash));
}
