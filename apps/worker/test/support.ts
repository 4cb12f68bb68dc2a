import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Database } from "@yunlian/db";
import { deliveries, deliveryAttempts } from "@yunlian/db";
import {
  type DeliveryHandoff,
  ingestReport,
  type OpenedQueueHandoff,
  openQueueHandoff,
} from "@yunlian/delivery";
import {
  bindDevice,
  insertPlatform,
  startTestReceiver,
  TEST_SECRET_KEY_HEX,
  type TestDb,
  type TestReceiver,
  testKeyring,
  testUdeviceId,
} from "@yunlian/delivery/testing";
import { count, eq, sql } from "drizzle-orm";
import { loadWorkerConfig, type WorkerConfig } from "../src/index.ts";

const workerDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * Environment for a worker under test: short schedule, lease, lock and sweep so recovery is quick.
 * Receivers listen on loopback: HUB_ALLOW_PRIVATE_URLS=1, as a developer would set it.
 */
export function workerEnv(databaseUrl: string, redisUrl: string, prefix: string): Record<string, string> {
  return {
    HUB_ALLOW_PRIVATE_URLS: "1",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    HUB_SECRET_KEY: TEST_SECRET_KEY_HEX,
    HUB_PLAT_ID: "YUNLIAN-HUB-TEST",
    HUB_DELIVERY_BACKOFF: "0s,100ms,200ms,400ms,800ms,1s,1s,1s",
    HUB_DELIVERY_TIMEOUT_MS: "1000",
    HUB_DELIVERY_LEASE_MS: "2000",
    HUB_WORKER_LOCK_MS: "3000",
    HUB_WORKER_STALLED_INTERVAL_MS: "1000",
    HUB_WORKER_RELAY_INTERVAL_MS: "100",
    HUB_WORKER_SWEEP_INTERVAL_MS: "500",
    HUB_WORKER_SWEEP_GRACE_MS: "1500",
    HUB_WORKER_CONCURRENCY: "32",
    HUB_QUEUE_PREFIX: prefix,
  };
}

export function workerConfig(env: Record<string, string>): WorkerConfig {
  return { ...loadWorkerConfig(env), migrate: false };
}

export interface WorkerChild {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/**
 * The real entry point as its own process, built, as production runs it (`node dist/main.js`),
 * with `env` as its whole environment (plus what Node needs): nothing of this process's leaks in.
 */
export function spawnWorker(env: Record<string, string>): WorkerChild {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: workerDir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output, exited };
}

/** `n` receiving platforms (one receiver each) all bound to `devices` devices of one vendor. */
/**
 * With `handoff`, ingest queues its deliveries itself, as the hub does with REDIS_URL; without it,
 * it NOTIFYs and the workers' relay queues them.
 */
export async function fanoutScenario(
  t: TestDb,
  opts: { subscribers: number; devices: number; tag: string; handoff?: DeliveryHandoff },
) {
  const keyring = testKeyring();
  const vendor = `VENDOR-${opts.tag}`;
  await insertPlatform(t.db, keyring, { platId: vendor });
  const receivers: TestReceiver[] = [];
  const devs = Array.from({ length: opts.devices }, (_, i) => testUdeviceId(`${opts.tag}${i}`));
  for (let s = 0; s < opts.subscribers; s++) {
    const r = await startTestReceiver();
    receivers.push(r);
    const platId = `APP-${opts.tag}-${s}`;
    await insertPlatform(t.db, keyring, { platId, dataGatewayUrl: r.url });
    for (const udeviceId of devs) await bindDevice(t.db, { platId, udeviceId, vendorPlatId: vendor });
  }
  let n = 0;
  /** Ingests `reports` reports (round-robin over the devices), `parallel` at a time. */
  const ingest = async (reports: number, parallel = 16): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < reports; i += parallel) {
      const batch = Array.from({ length: Math.min(parallel, reports - i) }, () => {
        n += 1;
        return ingestReport({
          db: t.db,
          vendorPlatId: vendor,
          notifier: t.handle,
          ...(opts.handoff ? { handoff: opts.handoff } : {}),
          report: {
            udeviceId: devs[n % devs.length] ?? "",
            dataType: "attr",
            deviceStatus: { seq: String(n) },
            timestamp: String(Date.now()),
          },
        });
      });
      for (const r of await Promise.all(batch)) ids.push(...r.deliveryIds);
    }
    return ids;
  };
  return { receivers, ingest, close: () => Promise.all(receivers.map((r) => r.close())) };
}

export async function countByStatus(db: Database): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: deliveries.status, n: count() })
    .from(deliveries)
    .groupBy(deliveries.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function allDelivered(db: Database, expected: number): Promise<boolean> {
  const c = await countByStatus(db);
  return (c.delivered ?? 0) === expected;
}

/** Deliveries whose successful attempts are not exactly one (should be none). */
export async function successCountsNotOne(db: Database): Promise<number> {
  const rows = await db
    .select({
      id: deliveries.id,
      ok: sql<number>`count(${deliveryAttempts.id}) filter (where ${deliveryAttempts.retCode} = '200')`.mapWith(
        Number,
      ),
    })
    .from(deliveries)
    .leftJoin(deliveryAttempts, eq(deliveryAttempts.deliveryId, deliveries.id))
    .groupBy(deliveries.id);
  return rows.filter((r) => r.ok !== 1).length;
}

/** The hub's side of BullMQ mode: a hand-off on the workers' queue (close it at the end). */
export function hubHandoff(env: Record<string, string>): OpenedQueueHandoff {
  return openQueueHandoff({ redisUrl: env.REDIS_URL ?? "", prefix: env.HUB_QUEUE_PREFIX ?? "" });
}
