import { postgresAvailable, servicesRequired } from "@yunlian/db/testing";
import { Redis } from "ioredis";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";

export async function redisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/**
 * Whether the integration tests can run. When services are missing and not required (local
 * machine without Postgres/Redis) the caller skips with this message; in CI they must be there.
 */
export async function servicesCheck(needRedis: boolean): Promise<{ ok: boolean; message: string }> {
  const pg = await postgresAvailable();
  const redis = needRedis ? await redisAvailable() : true;
  if (pg && redis) return { ok: true, message: "" };
  const missing = [pg ? "" : "PostgreSQL (127.0.0.1:5432)", redis ? "" : `Redis (${TEST_REDIS_URL})`].filter(
    Boolean,
  );
  const message = `skipped: ${missing.join(" and ")} unreachable`;
  if (servicesRequired()) throw new Error(`${message}, but TEST_REQUIRE_SERVICES/CI requires them`);
  return { ok: false, message };
}

/** A queue prefix of its own per test file (and per run), so files never share BullMQ keys. */
export function uniquePrefix(name: string): string {
  return `{yltest-${name}-${process.pid}-${Date.now().toString(36)}}`;
}

/** A free TCP port on 127.0.0.1 (for a throwaway redis-server). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}
