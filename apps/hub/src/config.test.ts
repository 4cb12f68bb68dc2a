import { describe, expect, it } from "vitest";
import { loadConfig, parseDuration } from "./config.ts";

describe("config", () => {
  it("parses durations", () => {
    expect(parseDuration("30d")).toBe(30 * 86_400_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(() => parseDuration("soon")).toThrow(/invalid duration/);
  });

  it("has working defaults and names the bad variable", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      platId: "YUNLIAN-HUB-0000",
      dataDir: "./.data",
      tokenTtlMs: 30 * 86_400_000,
    });
    expect(() => loadConfig({ HUB_SECRET_KEY: "abc" })).toThrow(/HUB_SECRET_KEY/);
    expect(loadConfig({ DATABASE_URL: "" }).databaseUrl).toBeUndefined();
  });
});
