import { describe, expect, it } from "vitest";
import { ReplayGuard } from "./replay-guard.ts";

describe("ReplayGuard", () => {
  it("accepts an id once within the window, again after it", () => {
    const g = new ReplayGuard(1000);
    expect(g.firstSeen("a", 0)).toBe(true);
    expect(g.firstSeen("a", 500)).toBe(false);
    expect(g.firstSeen("b", 600)).toBe(true);
    expect(g.firstSeen("a", 1001)).toBe(true);
  });
});
