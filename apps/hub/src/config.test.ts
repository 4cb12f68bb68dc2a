import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("config", () => {
  it("has working defaults", () => {
    const c = loadConfig({}, "/srv/yunlian");
    expect(c).toMatchObject({
      port: 8080,
      platId: "YUNLIAN-HUB-0000",
      dataDir: "/srv/yunlian/.data",
      allowPrivateUrls: false,
      tokenTtlMs: 30 * 86_400_000,
      processIndex: 0,
      queue: {},
    });
    expect(c.delivery).toMatchObject({
      hubPlatId: "YUNLIAN-HUB-0000",
      blockPrivateAddresses: true,
      timeoutMs: 10_000,
      breaker: { failureThreshold: 5 },
    });
    expect(c.delivery.backoff).toHaveLength(11);
    expect(loadConfig({ DATABASE_URL: "" }).databaseUrl).toBeUndefined();
  });

  it("resolves HUB_DATA_DIR against the directory pnpm was run from (INIT_CWD), else the cwd", () => {
    expect(loadConfig({ HUB_DATA_DIR: "state", INIT_CWD: "/home/me/yunlian" }, "/elsewhere").dataDir).toBe(
      "/home/me/yunlian/state",
    );
    expect(loadConfig({ HUB_DATA_DIR: "state" }, "/elsewhere").dataDir).toBe("/elsewhere/state");
    expect(loadConfig({ HUB_DATA_DIR: "/var/lib/yunlian" }).dataDir).toBe("/var/lib/yunlian");
  });

  it("hands the delivery settings, one PlatID and HUB_ALLOW_PRIVATE_URLS to delivery as parsed at start", () => {
    const c = loadConfig({
      HUB_PLAT_ID: "HUB-TEST-1",
      HUB_ALLOW_PRIVATE_URLS: "1",
      HUB_DELIVERY_BACKOFF: "0s,2s",
      HUB_DELIVERY_BREAKER_THRESHOLD: "3",
      HUB_QUEUE_PREFIX: "{t}",
      HUB_QUEUE_NAME: "d",
      HUB_DELIVERY_SHARDS: "8",
    });
    expect(c.platId).toBe("HUB-TEST-1");
    expect(c.allowPrivateUrls).toBe(true);
    expect(c.delivery).toMatchObject({
      hubPlatId: "HUB-TEST-1",
      blockPrivateAddresses: false,
      backoff: [0, 2_000],
      breaker: { failureThreshold: 3 },
    });
    expect(c.queue).toEqual({ prefix: "{t}", name: "d", shards: 8 });
    expect(loadConfig({}).queue).toEqual({ shards: 1 });
  });

  it("names every bad variable in one message", () => {
    expect(() =>
      loadConfig({
        HUB_SECRET_KEY: "abc",
        HUB_DELIVERY_TIMEOUT_MS: "soon",
        HUB_TOKEN_TTL: "forever",
        HUB_RATE_LIMIT: "lots",
        HUB_TLS_CERT: "cert.pem",
        HUB_HTTP_PROCESSES: "2",
      }),
    ).toThrow(
      [
        "invalid hub configuration:",
        "  HUB_SECRET_KEY: must be 32 bytes as 64 hex characters",
        "  HUB_DELIVERY_TIMEOUT_MS: must be a whole number",
        '  HUB_TOKEN_TTL: "forever" is not a duration (a number with ms, s, m, h or d: 500ms, 30s, 2m, 12h, 30d)',
        '  HUB_RATE_LIMIT: invalid rate limit "lots" (use e.g. 1000/s, 100/s,burst=500, 6000/m or off)',
        "  HUB_TLS_CERT: HUB_TLS_CERT and HUB_TLS_KEY must be set together",
        "  HUB_HTTP_PROCESSES: above 1 needs DATABASE_URL and REDIS_URL (processes share the database, replay protection and rate limits)",
      ].join("\n"),
    );
  });

  // Issue 14, part 6: docs/security.md says 32; the schema allowed 16.
  it("reads HUB_SECRET_KEY_PREVIOUS as comma-separated keys and HUB_CONSOLE_LOGIN_LIMIT as a rate", () => {
    const a = "aa".repeat(32);
    const b = "bb".repeat(32);
    expect(loadConfig({}).secretKeyPreviousHex).toEqual([]);
    expect(loadConfig({ HUB_SECRET_KEY_PREVIOUS: ` ${a}, ${b} ` }).secretKeyPreviousHex).toEqual([a, b]);
    expect(() => loadConfig({ HUB_SECRET_KEY_PREVIOUS: `${a},abcd` })).toThrow(/HUB_SECRET_KEY_PREVIOUS/);
    expect(loadConfig({}).consoleLoginLimit).toEqual({ perSecond: 5 / 60, burst: 10 });
    expect(loadConfig({ HUB_CONSOLE_LOGIN_LIMIT: "off" }).consoleLoginLimit).toBeUndefined();
  });

  it("refuses an operator token shorter than 32 characters", () => {
    expect(() => loadConfig({ HUB_ADMIN_TOKEN: "a".repeat(31) })).toThrow(
      "HUB_ADMIN_TOKEN: must be at least 32 characters",
    );
    expect(loadConfig({ HUB_ADMIN_TOKEN: "a".repeat(32) }).adminToken).toBe("a".repeat(32));
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
    expect(loadConfig({ ...shared, HUB_HTTP_PROCESSES: "3", HUB_PROCESS_INDEX: "2" }).processIndex).toBe(2);
  });
});
