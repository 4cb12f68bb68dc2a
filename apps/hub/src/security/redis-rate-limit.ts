import type { RedisConnection } from "@yunlian/delivery";
import type { Logger } from "pino";
import { MemoryRateLimiter, type RateDecision, type RateLimit, type RateLimiter } from "./rate-limit.ts";

/**
 * The token bucket in Redis, so every hub instance draws from the same bucket per platform.
 * One Lua script reads, refills, takes and writes atomically; the clock is Redis's own (TIME),
 * so instances with skewed clocks still agree. Returns {allowed, retryAfterMs}.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local perMs = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * perMs) end
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / perMs)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / perMs) + 1000)
return {allowed, wait}
`;

export class RedisRateLimiter implements RateLimiter {
  private readonly fallback: MemoryRateLimiter;
  private warned = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly limit: RateLimit,
    private readonly log: Logger,
    private readonly prefix = "yunlian:ratelimit:",
    /** Bound of the in-memory fallback's buckets (client addresses are many; platforms few). */
    fallbackMaxKeys = Number.POSITIVE_INFINITY,
  ) {
    this.fallback = new MemoryRateLimiter(limit, Date.now, fallbackMaxKeys);
  }

  async take(key: string): Promise<RateDecision> {
    try {
      const result = (await this.redis.eval(
        TAKE,
        1,
        `${this.prefix}${key}`,
        String(this.limit.perSecond),
        String(this.limit.burst),
      )) as [number, number];
      this.warned = false;
      return result[0] === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Number(result[1]) };
    } catch (err) {
      // Redis down: keep limiting per instance rather than letting everything through or failing.
      if (!this.warned) this.log.warn({ err }, "rate limit: Redis unavailable, limiting per instance");
      this.warned = true;
      return this.fallback.takeSync(key);
    }
  }
}
