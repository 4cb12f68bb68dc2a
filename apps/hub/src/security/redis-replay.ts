import type { RedisConnection } from "@yunlian/delivery";
import type { Logger } from "pino";
import { ReplayGuard, type ReplayStore } from "../lib/replay-guard.ts";

/**
 * webhook-ids remembered in Redis (SET NX with an expiry), so a signed request captured on the
 * way to one hub instance cannot be replayed against another instance behind the same load
 * balancer. Falls back to this instance's memory while Redis is unreachable.
 */
export class RedisReplayStore implements ReplayStore {
  private readonly fallback: ReplayGuard;
  private warned = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly windowMs: number,
    private readonly log: Logger,
    private readonly prefix = "yunlian:replay:",
  ) {
    this.fallback = new ReplayGuard(windowMs);
  }

  async claim(key: string): Promise<boolean> {
    try {
      const set = await this.redis.set(`${this.prefix}${key}`, "1", "PX", this.windowMs, "NX");
      this.warned = false;
      return set === "OK";
    } catch (err) {
      if (!this.warned)
        this.log.warn({ err }, "replay guard: Redis unavailable, remembering ids per instance");
      this.warned = true;
      return this.fallback.firstSeen(key);
    }
  }
}
