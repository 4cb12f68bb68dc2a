import { openRedis } from "@yunlian/delivery";
import type { Logger } from "pino";
import type { HubConfig } from "../config.ts";
import { REPLAY_WINDOW_MS, ReplayGuard, type ReplayStore } from "../lib/replay-guard.ts";
import type { AuditCtx } from "../services/audit/audit.ts";
import { AuthFailureAudit } from "./auth-failure-audit.ts";
import { MemoryRateLimiter, type RateLimiter, unlimited } from "./rate-limit.ts";
import { RedisRateLimiter } from "./redis-rate-limit.ts";
import { RedisReplayStore } from "./redis-replay.ts";
import { noUnauthBudget, UnauthBudget, type UnauthBudgetLike } from "./unauth-budget.ts";

/** Client addresses whose unauthenticated buckets one process keeps in memory at most. */
const MAX_SOURCES = 100_000;

export interface HubSecurity {
  rateLimiter: RateLimiter;
  /** HUB_SANDBOX_RATE_LIMIT: the buckets of sandbox platforms (lower by default). */
  sandboxRateLimiter: RateLimiter;
  /** HUB_UNAUTH_RATE_LIMIT: failed authentications per client address (unauth-budget.ts). */
  unauthBudget: UnauthBudgetLike;
  replay: ReplayStore;
  authFailures: AuthFailureAudit;
  /** HUB_CONSOLE_LOGIN_LIMIT: failed console logins per client address (its own, smaller budget). */
  consoleLogin: UnauthBudgetLike;
  close(): Promise<void>;
}

/**
 * Rate-limit buckets and the webhook-id replay store: in Redis when REDIS_URL is set (shared by
 * every hub instance), in this process otherwise (the embedded single-instance hub).
 */
export function buildSecurity(
  config: Pick<
    HubConfig,
    "redisUrl" | "rateLimit" | "sandboxRateLimit" | "unauthRateLimit" | "consoleLoginLimit" | "trustedProxies"
  >,
  log: Logger,
  audit: AuditCtx,
): HubSecurity {
  const authFailures = new AuthFailureAudit(audit);
  if (!config.redisUrl) {
    return {
      rateLimiter: config.rateLimit ? new MemoryRateLimiter(config.rateLimit) : unlimited,
      sandboxRateLimiter: config.sandboxRateLimit
        ? new MemoryRateLimiter(config.sandboxRateLimit)
        : unlimited,
      unauthBudget: config.unauthRateLimit
        ? new UnauthBudget(
            new MemoryRateLimiter(config.unauthRateLimit, Date.now, MAX_SOURCES),
            config.trustedProxies,
          )
        : noUnauthBudget,
      replay: new ReplayGuard(REPLAY_WINDOW_MS),
      authFailures,
      consoleLogin: config.consoleLoginLimit
        ? new UnauthBudget(
            new MemoryRateLimiter(config.consoleLoginLimit, Date.now, MAX_SOURCES),
            config.trustedProxies,
          )
        : noUnauthBudget,
      close: async () => {},
    };
  }
  // Fail fast instead of queueing: a request must not wait on a Redis that is away (the
  // limiter and the replay store fall back to memory on an error).
  // One server or a cluster (REDIS_URL ?cluster=1); errors are reported by the limiter/replay
  // store when a command fails, and the connection retries by itself.
  const redis = openRedis(config.redisUrl, "request");
  return {
    rateLimiter: config.rateLimit ? new RedisRateLimiter(redis, config.rateLimit, log) : unlimited,
    // Its own keys: a promoted platform starts with a full production bucket.
    sandboxRateLimiter: config.sandboxRateLimit
      ? new RedisRateLimiter(redis, config.sandboxRateLimit, log, "yunlian:ratelimit-sandbox:")
      : unlimited,
    unauthBudget: config.unauthRateLimit
      ? new UnauthBudget(
          new RedisRateLimiter(redis, config.unauthRateLimit, log, "yunlian:unauth:", MAX_SOURCES),
          config.trustedProxies,
        )
      : noUnauthBudget,
    replay: new RedisReplayStore(redis, REPLAY_WINDOW_MS, log),
    authFailures,
    consoleLogin: config.consoleLoginLimit
      ? new UnauthBudget(
          new RedisRateLimiter(redis, config.consoleLoginLimit, log, "yunlian:console-login:", MAX_SOURCES),
          config.trustedProxies,
        )
      : noUnauthBudget,
    async close() {
      redis.disconnect();
    },
  };
}
