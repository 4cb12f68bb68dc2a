import { describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY_BACKOFF, parseDuration, parseDurationList } from "../src/index.ts";

describe("durations", () => {
  it("reads ms, s, m, h, d, decimals and spaces", () => {
    expect(parseDuration("30d")).toBe(30 * 86_400_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration(" 1.5s ")).toBe(1_500);
    expect(parseDuration("2m")).toBe(120_000);
  });

  it.each(["", "5", "5x", "-1s", "s", "soon"])("rejects %j saying what a duration is", (bad) => {
    expect(() => parseDuration(bad)).toThrow(/is not a duration/);
  });

  it("reads the default delivery schedule (docs/design.md §7)", () => {
    expect(parseDurationList(DEFAULT_DELIVERY_BACKOFF)).toEqual([
      0, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000,
      86_400_000,
    ]);
    expect(parseDurationList(" 0s, 100ms ,1.5s,2m,1h")).toEqual([0, 100, 1_500, 120_000, 3_600_000]);
  });

  it("names the bad entry of a list", () => {
    expect(() => parseDurationList("1s,,2s")).toThrow(/entry 2: "" is not a duration/);
    expect(() => parseDurationList("")).toThrow(/is empty/);
  });
});
