import { describe, expect, it } from "vitest";
import { parseTrustedProxies } from "./client-address.ts";
import { MemoryRateLimiter } from "./rate-limit.ts";
import { sourceKey, UnauthBudget } from "./unauth-budget.ts";

const from = (remoteAddress: string, forwardedFor?: string) => ({
  socket: { remoteAddress },
  headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
});

describe("the unauthenticated budget", () => {
  let t = 0;
  const now = () => t;
  const budget = (trusted = "") =>
    new UnauthBudget(
      new MemoryRateLimiter({ perSecond: 1, burst: 3 }, now),
      parseTrustedProxies(trusted),
      now,
    );

  it("closes the door on an address once its failures empty the bucket, until a token is back", async () => {
    t = 0;
    const b = budget();
    for (let i = 0; i < 3; i++) {
      expect(b.refusal(from("203.0.113.9"))).toBe(0);
      await b.charge(from("203.0.113.9"));
    }
    expect(b.refusal(from("203.0.113.9"))).toBe(0);
    await b.charge(from("203.0.113.9")); // the fourth failure finds the bucket empty
    expect(b.refusal(from("203.0.113.9"))).toBe(1000);
    expect(b.refusal(from("203.0.113.10"))).toBe(0); // another address: its own bucket
    t = 1000;
    expect(b.refusal(from("203.0.113.9"))).toBe(0);
  });

  it("counts an IPv6 /64 as one source, and IPv4-mapped addresses as IPv4", () => {
    expect(sourceKey("2001:db8:1:2:aaaa::1")).toBe(sourceKey("2001:db8:1:2:ffff::9"));
    expect(sourceKey("2001:db8:1:3::1")).not.toBe(sourceKey("2001:db8:1:2::1"));
    expect(sourceKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(sourceKey(undefined)).toBe("unknown");
  });

  it("behind a trusted proxy, charges the client X-Forwarded-For names; otherwise ignores the header", async () => {
    t = 0;
    const b = budget("10.0.0.0/8");
    // Through the proxy: the right-most untrusted hop is the client (the left one is forged).
    for (let i = 0; i < 4; i++) await b.charge(from("10.0.0.2", "1.2.3.4, 198.51.100.7"));
    expect(b.refusal(from("10.0.0.2", "198.51.100.7"))).toBeGreaterThan(0);
    expect(b.refusal(from("10.0.0.2", "198.51.100.8"))).toBe(0);
    // Not through a trusted proxy: X-Forwarded-For proves nothing; the socket is the client.
    for (let i = 0; i < 4; i++) await b.charge(from("203.0.113.5", "198.51.100.9"));
    expect(b.refusal(from("203.0.113.5"))).toBeGreaterThan(0);
    expect(b.refusal(from("10.0.0.2", "198.51.100.9"))).toBe(0);
  });

  it("refuses a malformed HUB_TRUSTED_PROXIES entry", () => {
    expect(() => parseTrustedProxies("10.0.0.0/8, proxy.example")).toThrow(
      /"proxy.example" is not an IP address/,
    );
    expect(parseTrustedProxies(" ")).toEqual([]);
  });

  it("remembers a bounded number of buckets and closed doors", async () => {
    t = 0;
    const limiter = new MemoryRateLimiter({ perSecond: 1, burst: 1 }, now, 2);
    const b = new UnauthBudget(limiter, [], now, 2);
    for (const ip of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      await b.charge(from(ip));
      await b.charge(from(ip));
    }
    // The first address's door was forgotten to keep two; the last two are still closed.
    expect(b.refusal(from("198.51.100.1"))).toBe(0);
    expect(b.refusal(from("198.51.100.3"))).toBeGreaterThan(0);
  });
});
