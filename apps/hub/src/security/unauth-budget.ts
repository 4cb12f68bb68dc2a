import ipaddr from "ipaddr.js";
import { clientAddress, type RequestSource, type TrustedProxies } from "./client-address.ts";
import type { RateLimiter } from "./rate-limit.ts";

/**
 * The unauthenticated budget (HUB_UNAUTH_RATE_LIMIT, issue 14): a token bucket per client
 * address, charged for every request that fails authentication (a bad signature, an unknown
 * PlatID, a wrong bearer token, a header over its limit). Once an address's bucket is empty,
 * the listener refuses its requests at the door — 429, before the body is read or a header is
 * normalised — until a token is back. Valid requests are never charged, so a platform's own
 * traffic, however heavy, never spends it; failed ones cost the attacker the door's price.
 *
 * The door check is a lookup in this process's memory (no I/O on the hot path). The buckets are
 * the RateLimiter's: in memory, or in Redis when REDIS_URL is set, so failures seen by every
 * instance fill one bucket, and each instance closes its door when its own charge finds it empty.
 * Behind a proxy, the client is read from X-Forwarded-For only when the socket's address is one
 * of HUB_TRUSTED_PROXIES (client-address.ts); otherwise every client would share the proxy's
 * bucket, and one attacker's failures would close the door for all.
 */
export class UnauthBudget {
  /** Address key → when its door opens again (ms since the epoch). */
  private readonly closed = new Map<string, number>();

  constructor(
    private readonly limiter: RateLimiter,
    private readonly trusted: TrustedProxies = [],
    private readonly now: () => number = Date.now,
    /** Closed doors remembered at most (the oldest is forgotten first): memory stays bounded. */
    private readonly maxClosed = 100_000,
  ) {}

  /** Milliseconds until the request's client may be served again; 0 when it may now. No I/O. */
  refusal(request: RequestSource): number {
    if (this.closed.size === 0) return 0;
    const key = sourceKey(clientAddress(request, this.trusted));
    const until = this.closed.get(key);
    if (until === undefined) return 0;
    const wait = until - this.now();
    if (wait > 0) return wait;
    this.closed.delete(key);
    return 0;
  }

  /** The request failed authentication: one token from its client's bucket. */
  async charge(request: RequestSource): Promise<void> {
    const key = sourceKey(clientAddress(request, this.trusted));
    const decision = await this.limiter.take(key);
    if (decision.allowed) return;
    this.closed.delete(key);
    this.closed.set(key, this.now() + decision.retryAfterMs);
    if (this.closed.size > this.maxClosed) {
      const oldest = this.closed.keys().next().value;
      if (oldest !== undefined) this.closed.delete(oldest);
    }
  }
}

/** No budget (HUB_UNAUTH_RATE_LIMIT=off). */
export const noUnauthBudget: Pick<UnauthBudget, "refusal" | "charge"> = {
  refusal: () => 0,
  charge: async () => {},
};

export type UnauthBudgetLike = Pick<UnauthBudget, "refusal" | "charge">;

/**
 * The bucket an address draws from: an IPv4 address (also when written IPv4-mapped, as a
 * dual-stack socket reports it) on its own; an IPv6 address by its /64, the block one host is
 * normally given — per address, a single host could draw from 2^64 buckets.
 */
export function sourceKey(address: string | undefined): string {
  if (!address) return "unknown";
  if (!address.includes(":")) return address;
  if (!ipaddr.IPv6.isValid(address)) return address;
  const v6 = ipaddr.IPv6.parse(address);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(":")}::/64`;
}
