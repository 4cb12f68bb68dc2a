import { withoutTrailingSlashes } from "@yunlian/adapter-sdk/http";
import { type CommonHeaders, RetCode } from "@yunlian/protocol";
import { authenticateCaller } from "../lib/authenticate-caller.ts";
import type { CallerRequest } from "../lib/caller-request.ts";
import { HubError } from "../lib/hub-error.ts";
import type { ReplayStore } from "../lib/replay-guard.ts";
import { loggablePath } from "../registry/ingest-url.ts";
import type { PlatformRecord } from "../registry/platform-record.ts";
import type { PlatformRegistry } from "../registry/platform-registry.ts";
import type { AuthFailureAudit } from "./auth-failure-audit.ts";
import type { RateLimiter } from "./rate-limit.ts";
import type { UnauthBudgetLike } from "./unauth-budget.ts";

/** What the door of every platform-facing route uses. */
export interface GuardCtx {
  registry: PlatformRegistry;
  replay: ReplayStore;
  rateLimiter: RateLimiter;
  /** The buckets of sandbox platforms (HUB_SANDBOX_RATE_LIMIT). */
  sandboxRateLimiter: RateLimiter;
  authFailures: AuthFailureAudit;
  /**
   * The path of HUB_PUBLIC_URL ("" when it has none): a proxy that strips it sends the hub
   * `/v1/…` for what the platform signed as `/prefix/v1/…`, so it is put back in front.
   */
  publicPathPrefix: string;
  /** Charged once per failed authentication, by client address (HUB_UNAUTH_RATE_LIMIT). */
  unauthBudget: UnauthBudgetLike;
}

/** The path of HUB_PUBLIC_URL, without a trailing slash ("" for none). */
export function publicPathPrefix(publicUrl: string | undefined): string {
  return publicUrl ? withoutTrailingSlashes(new URL(publicUrl).pathname) : "";
}

/**
 * The door of every platform-facing route: authenticate the caller by its security mode
 * (failures audited), then charge one request to its rate-limit bucket (429 when empty). On
 * self-service only the current appSecret verifies; the standard API also takes the previous
 * one while its rotation grace lasts (docs/design.md §7).
 * The bucket is the authenticated platform's, so nobody can exhaust another platform's quota
 * by sending requests in its name. `headers` are the caller's common headers, normalised once.
 */
export async function guardCaller(
  ctx: GuardCtx,
  caller: CallerRequest,
  headers: CommonHeaders,
  surface: "standard" | "self",
  /** The secret segment when the request was sent to a vendor's ingestUrl (it names the platform). */
  ingestSegment?: string,
): Promise<PlatformRecord> {
  let platform: PlatformRecord;
  try {
    platform = await authenticateCaller(
      ctx.registry,
      ctx.replay,
      {
        headers,
        rawHeaders: caller.headers,
        method: caller.method,
        target: `${ctx.publicPathPrefix}${caller.path}`,
        rawBody: caller.rawBody,
        socket: caller.socket,
      },
      { acceptPreviousSecret: surface === "standard", ingestSegment },
    );
  } catch (err) {
    if (err instanceof HubError) {
      await ctx.authFailures.record({
        surface,
        method: caller.method,
        path: loggablePath(caller.path),
        ip: caller.socket?.remoteAddress,
        claimedPlatId: headers.platId,
        reason: err.message,
      });
      await ctx.unauthBudget.charge(caller);
    }
    throw err;
  }
  await chargeRequest(platform.sandbox ? ctx.sandboxRateLimiter : ctx.rateLimiter, platform);
  return platform;
}

/** One request against the platform's bucket; 429 with Retry-After (whole seconds) when empty. */
async function chargeRequest(rateLimiter: RateLimiter, platform: PlatformRecord): Promise<void> {
  const { platId } = platform;
  const decision = await rateLimiter.take(platId);
  if (decision.allowed) return;
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  throw new HubError(
    RetCode.RATE_LIMITED,
    `rate limit of ${platform.sandbox ? "sandbox platform" : "platform"} ${platId} exceeded: retry after ${seconds} s`,
    {},
    { "Retry-After": String(seconds) },
  );
}
