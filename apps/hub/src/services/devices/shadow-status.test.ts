import { describe, expect, it } from "vitest";
import { maxAgeOf } from "./shadow-status.ts";

describe("maxAgeOf (Cache-Control on deviceStatus)", () => {
  it("reads max-age among other directives, any case, quoted or not", () => {
    expect(maxAgeOf("max-age=30")).toBe(30);
    expect(maxAgeOf("no-transform, Max-Age = 0")).toBe(0);
    expect(maxAgeOf('max-age="12"')).toBe(12);
    expect(maxAgeOf(["no-cache", "max-age=5"])).toBe(5);
  });
  it("no header, no max-age or a malformed one: a live read", () => {
    expect(maxAgeOf(undefined)).toBeUndefined();
    expect(maxAgeOf("no-cache")).toBeUndefined();
    expect(maxAgeOf("max-age=-1")).toBeUndefined();
    expect(maxAgeOf("max-age=1e3")).toBeUndefined();
  });
});
