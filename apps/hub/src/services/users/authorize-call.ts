import { accessTokens, bindings, hubUsers } from "@yunlian/db";
import { sha256Hex } from "@yunlian/secrets";
import { and, eq, sql } from "drizzle-orm";
import { forbidden, notFound, unauthorized } from "../../lib/hub-error.ts";
import type { PlatformRecord } from "../../registry/platform-record.ts";
import { assertTokenValid } from "./access-tokens.ts";
import type { CachedToken, CachedUser } from "./auth-cache.ts";
import type { UsersCtx } from "./users-context.ts";

export interface CallAuthorization {
  userId: string;
  /** The calling platform: its namespace (sandbox or production) decides which vendors it reaches. */
  platform: PlatformRecord;
  /** The devices bound to the user. */
  bound: ReadonlySet<string>;
}

/**
 * Everything a device call must know before any vendor is asked: does the UserID belong to
 * the calling platform (404 otherwise — another tenant's users look missing), is the
 * AccessToken (when given or required) valid and that user's (401), and which devices are
 * bound to the user. Served from the AuthCache when warm; otherwise ONE database query
 * answers all three and fills the cache. This is the hot path of every device operation: a warm
 * cache answers with the value itself rather than a promise, so the usual call waits for nothing.
 */
export function authorizeCall(
  ctx: Pick<UsersCtx, "db" | "now" | "authCache">,
  platform: PlatformRecord,
  input: { userId: string; accessToken?: string; tokenRequired: boolean },
): CallAuthorization | Promise<CallAuthorization> {
  if (input.tokenRequired && !input.accessToken)
    throw unauthorized("header AccessToken is required for this interface");
  const tokenHash = input.accessToken ? sha256Hex(input.accessToken) : undefined;
  const cache = ctx.authCache;
  const user = cache.user(input.userId);
  const token = tokenHash ? cache.token(tokenHash) : undefined;
  if (!user || (tokenHash && !token)) return loadThenAuthorize(ctx, platform, input.userId, tokenHash);
  return authorized(ctx, platform, input.userId, tokenHash, user, token);
}

async function loadThenAuthorize(
  ctx: Pick<UsersCtx, "db" | "now" | "authCache">,
  platform: PlatformRecord,
  userId: string,
  tokenHash: string | undefined,
): Promise<CallAuthorization> {
  const loaded = await load(ctx, userId, tokenHash);
  return authorized(ctx, platform, userId, tokenHash, loaded.user, loaded.token);
}

function authorized(
  ctx: Pick<UsersCtx, "now">,
  platform: PlatformRecord,
  userId: string,
  tokenHash: string | undefined,
  user: CachedUser | undefined,
  token: CachedToken | undefined,
): CallAuthorization {
  if (!user || user.platId !== platform.platId) {
    throw notFound(`UserID ${userId} is not a user of platform ${platform.platId}`);
  }
  if (tokenHash) assertTokenValid(token, platform, ctx.now(), userId);
  return { userId, platform, bound: user.bound };
}

async function load(
  ctx: Pick<UsersCtx, "db" | "authCache">,
  userId: string,
  tokenHash: string | undefined,
): Promise<{ user?: CachedUser; token?: CachedToken }> {
  const [row] = await ctx.db
    .select({
      platId: hubUsers.platId,
      tokenUserId: accessTokens.userId,
      tokenPlatId: accessTokens.platId,
      expiresAt: accessTokens.expiresAt,
      revokedAt: accessTokens.revokedAt,
      bound: sql<unknown>`coalesce((select array_agg(${bindings.udeviceId}::text) from ${bindings}
          where ${bindings.userId} = ${hubUsers.userId}), '{}'::text[])`,
    })
    .from(hubUsers)
    .leftJoin(accessTokens, eq(accessTokens.tokenHash, tokenHash ?? ""))
    .where(and(eq(hubUsers.userId, userId)));
  if (!row) return {};
  const user: CachedUser = { platId: row.platId, bound: new Set(textArray(row.bound)) };
  ctx.authCache.putUser(userId, user);
  if (!tokenHash || !row.tokenUserId || !row.tokenPlatId || !row.expiresAt || row.revokedAt) return { user };
  const token: CachedToken = {
    userId: row.tokenUserId,
    platId: row.tokenPlatId,
    expiresAt: row.expiresAt.getTime(),
  };
  ctx.authCache.putToken(tokenHash, token);
  return { user, token };
}

/** Refuses (403) a call naming devices not bound to the user; the vendor is never asked (7.2.7). */
export function requireAllBound(auth: CallAuthorization, ids: readonly string[]): void {
  // Checked before anything is built: on every device call, and almost always passed.
  if (ids.every((id) => auth.bound.has(id))) return;
  const missing = [...new Set(ids.filter((id) => !auth.bound.has(id)))];
  throw forbidden(`device(s) not bound to UserID ${auth.userId}: ${missing.join(", ")}`);
}

/** Drivers differ: postgres.js parses text[] into an array, others may hand back the literal. */
function textArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string" && value.startsWith("{") && value.endsWith("}")) {
    const inner = value.slice(1, -1);
    return inner === "" ? [] : inner.split(",").map((s) => s.replace(/^"|"$/g, ""));
  }
  return [];
}
