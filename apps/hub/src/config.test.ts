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

  it("runs several HTTP processes only where they can share state", () => {
    expect(loadConfig({}).httpProcesses).toBe(1);
    const shared = { DATABASE_URL: "postgres://h/db", REDIS_URL: "redis://h:6379" };
    expect(loadConfig({ ...shared, HUB_HTTP_PROCESSES: "3" }).httpProcesses).toBe(3);
    expect(loadConfig({ ...shared, HUB_HTTP_PROCESSES: "auto" }).httpProcesses).toBeGreaterThanOrEqual(1);
    expect(() => loadConfig({ HUB_HTTP_PROCESSES: "2" })).toThrow(/DATABASE_URL and REDIS_URL/);
    expect(() => loadConfig({ DATABASE_URL: shared.DATABASE_URL, HUB_HTTP_PROCESSES: "2" })).toThrow(
      /REDIS_URL/,
    );
    expect(() => loadConfig({ ...shared, HUB_HTTP_PROCESSES: "0" })).toThrow(/HUB_HTTP_PROCESSES/);
  });
});
