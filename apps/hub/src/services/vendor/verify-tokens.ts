import type { Database } from "@yunlian/db";
import { verifyTokens } from "@yunlian/db";
import { randomToken, sha256Hex } from "@yunlian/secrets";
import { and, eq, gt, isNull } from "drizzle-orm";

/** How long a vendor has to call the hub's verify endpoint after the hub starts a login there. */
const VERIFY_TOKEN_TTL_MS = 5 * 60_000;

/** A fresh single-use AuthToken for logging `userId` in at `vendorPlatId`. */
export async function issueVerifyToken(
  ctx: { db: Database; now(): Date },
  userId: string,
  vendorPlatId: string,
): Promise<string> {
  const token = randomToken();
  await ctx.db.insert(verifyTokens).values({
    tokenHash: sha256Hex(token),
    userId,
    vendorPlatId,
    expiresAt: new Date(ctx.now().getTime() + VERIFY_TOKEN_TTL_MS),
  });
  return token;
}

/**
 * Consumes a verify token presented by `vendorPlatId` for `userId`: true only for an unused,
 * unexpired token the hub issued for exactly that user at exactly that vendor.
 */
export async function consumeVerifyToken(
  ctx: { db: Database; now(): Date },
  vendorPlatId: string,
  userId: string,
  token: string,
): Promise<boolean> {
  const used = await ctx.db
    .update(verifyTokens)
    .set({ usedAt: ctx.now() })
    .where(
      and(
        eq(verifyTokens.tokenHash, sha256Hex(token)),
        eq(verifyTokens.userId, userId),
        eq(verifyTokens.vendorPlatId, vendorPlatId),
        isNull(verifyTokens.usedAt),
        gt(verifyTokens.expiresAt, ctx.now()),
      ),
    )
    .returning({ userId: verifyTokens.userId });
  return used.length === 1;
}
