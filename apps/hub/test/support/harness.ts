import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@yunlian/db";
import { createTestDatabase, postgresAvailable, servicesRequired } from "@yunlian/db/testing";
import { pino } from "pino";
import { type HubConfig, loadConfig } from "../../src/config.ts";
import type { Hub } from "../../src/hub.ts";
import { startHubServer } from "../../src/server/start.ts";
import type { CertificationStatus } from "../../src/services/platforms/certification-status.ts";

export type Storage = "pglite" | "postgres";

export interface TestHub {
  url: string;
  hub: Hub;
  adminToken: string;
  databaseUrl?: string;
  close(): Promise<void>;
}

/** A port that was free a moment ago (for sims that must know their URL before registering). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Skip a Postgres-backed suite only on a developer machine without the server; never in CI. */
export async function postgresOrSkip(): Promise<boolean> {
  if (await postgresAvailable()) return true;
  if (servicesRequired())
    throw new Error("PostgreSQL at 127.0.0.1:5432 is required (TEST_REQUIRE_SERVICES/CI)");
  console.warn("PostgreSQL is not reachable: skipping the Postgres variant of this suite");
  return false;
}

/**
 * A real hub on a real port: PGlite in memory, or its own fresh database on the local
 * PostgreSQL server. Private URLs allowed (the sims listen on loopback).
 */
export async function startTestHub(
  storage: Storage,
  env: Record<string, string> = {},
  opts: { databaseUrl?: string; certification?: CertificationStatus } = {},
): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), "yunlian-hub-"));
  const created = storage === "postgres" && !opts.databaseUrl ? await createTestDatabase() : undefined;
  const databaseUrl = opts.databaseUrl ?? created?.url;
  const config: HubConfig = loadConfig({
    HUB_DATA_DIR: dataDir,
    HUB_ALLOW_PRIVATE_URLS: "1",
    HUB_ADMIN_TOKEN: "test-admin-token-0123456789-abcdefgh",
    HUB_SECRET_KEY: "11".repeat(32),
    HUB_LOG_LEVEL: "silent",
    // Off unless a test turns it on (reconcile.test.ts): its background calls to the sims would
    // otherwise change what tests counting vendor calls see.
    HUB_RECONCILE_RATE: "0",
    HUB_VENDOR_TIMEOUT_MS: "1500",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const database = databaseUrl ? undefined : await openDatabase({ dataDir: "memory://" });
  // What main.ts runs (one listener, limits, timeouts), on a free port; plain HTTP (mtls tests start their own).
  const running = await startHubServer(
    { ...config, tls: undefined, port: 0, host: "127.0.0.1" },
    {
      database,
      logger: pino({ level: "silent" }),
      ...(opts.certification ? { certification: opts.certification } : {}),
    },
  );
  return {
    url: running.url,
    hub: running.hub,
    adminToken: running.hub.adminToken,
    databaseUrl,
    async close() {
      await running.close();
      if (database) await database.close();
      await created?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
