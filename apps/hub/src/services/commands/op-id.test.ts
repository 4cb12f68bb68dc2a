import { describe, expect, it } from "vitest";
import { newOpId, opIssuedAt } from "./op-tracking.ts";

describe("newOpId", () => {
  it("is op_, the time in base 36, and 16 hex characters, and opIssuedAt reads the time back", () => {
    const at = new Date("2026-12-04T19:00:00.123Z");
    const id = newOpId(at);
    expect(id.startsWith(`op_${at.getTime().toString(36)}`)).toBe(true);
    expect(id.slice(-16)).toMatch(/^[0-9a-f]{16}$/);
    expect(opIssuedAt(id)).toBe(at.getTime());
  });

  it("never repeats, within one millisecond or across refills of its random pool", () => {
    const at = new Date();
    // 4 KiB of random bytes hold 512 ids: 3,000 cross several refills.
    const ids = Array.from({ length: 3000 }, () => newOpId(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(-16))).size).toBe(ids.length);
  });

  it("follows the clock: a later millisecond gives a later prefix", () => {
    const first = newOpId(new Date(1_000_000));
    const second = newOpId(new Date(1_000_001));
    expect(opIssuedAt(first)).toBe(1_000_000);
    expect(opIssuedAt(second)).toBe(1_000_001);
  });
});
