import { describe, expect, it } from "vitest";
import { nextRetryDelay, parseRetryAfter, withJitter } from "../src/index.ts";

describe("jitter", () => {
  it("stays within ±20 % and covers both ends", () => {
    expect(withJitter(1_000, 0.2, () => 0)).toBe(800);
    expect(withJitter(1_000, 0.2, () => 0.999_999)).toBe(1_200);
    for (let i = 0; i < 1_000; i++) {
      const v = withJitter(10_000);
      expect(v).toBeGreaterThanOrEqual(8_000);
      expect(v).toBeLessThanOrEqual(12_000);
    }
    expect(withJitter(0)).toBe(0);
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
  const policy = { schedule: [0, 1_000, 60_000], jitterRatio: 0, maxRetryAfterMs: 3_600_000 };
  it("lengthens but never shortens the schedule's delay, and is capped", () => {
    expect(nextRetryDelay(policy, 1)).toBe(1_000);
    expect(nextRetryDelay(policy, 1, 30_000)).toBe(30_000);
    expect(nextRetryDelay(policy, 2, 5_000)).toBe(60_000);
    expect(nextRetryDelay(policy, 1, 10 * 3_600_000)).toBe(3_600_000);
  });
  it("is dead after the last attempt", () => {
    expect(nextRetryDelay(policy, 3)).toBe("dead");
    expect(nextRetryDelay(policy, 3, 1_000)).toBe("dead");
  });
});
