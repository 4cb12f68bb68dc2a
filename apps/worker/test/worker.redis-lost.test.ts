import { deliveries, deliveryIsOpen } from "@yunlian/db";
import { servicesRequired } from "@yunlian/db/testing";
import { freePort, openTestDb, servicesCheck, type TestDb, uniquePrefix } from "@yunlian/delivery/testing";
import { and, count, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningWorker, startWorker } from "../src/index.ts";
import { type RedisProcess, redisBinariesPresent, startRedisServer } from "./redis-servers.ts";
import {
  allDelivered,
  countByStatus,
  fanoutScenario,
  hubHandoff,
  spawnWorker,
  type WorkerChild,
  waitUntil,
  workerConfig,
  workerEnv,
} from "./support.ts";

const svc = await servicesCheck(true);
const binaries = await redisBinariesPresent();
if (!binaries && servicesRequired()) throw new Error("redis-server/redis-cli missing, but CI requires them");
if (!svc.ok) console.warn(`worker.redis-lost.test.ts ${svc.message}`);
if (!binaries) console.warn("worker.redis-lost.test.ts skipped: redis-server not on PATH");

/** The bound: every report delivered this soon after Redis is back (docs/operations.md). */
const RECOVERY_BOUND_MS = 10_000;

/** Open rows whose job the relay marked as queued: the ones that waited for the sweeper before. */
async function markedOpen(t: TestDb): Promise<number> {
  const [row] = await t.db
    .select({ n: count() })
    .from(deliveries)
    .where(and(deliveryIsOpen, isNotNull(deliveries.enqueuedAt)));
  return row?.n ?? 0;
}

describe.skipIf(!svc.ok || !binaries)("Redis loses its data while a worker delivers", () => {
  let t: TestDb;
  let redis: RedisProcess | undefined;
  let worker: RunningWorker | undefined;
  const children: WorkerChild[] = [];
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGKILL");
    await worker?.stop().catch(() => undefined);
    for (const close of closers) await close().catch(() => undefined);
    await redis?.kill();
    await t?.close();
  });

  it("a worker SIGKILLed, then Redis restarted empty: every report is delivered within the bound, none lost", async () => {
    const port = await freePort();
    redis = await startRedisServer(port);
    const env = {
      ...workerEnv(t.url, `redis://127.0.0.1:${port}`, uniquePrefix("lost")),
      // The sweeper's defaults: recovery must not come from it.
      HUB_WORKER_SWEEP_INTERVAL_MS: "30000",
      HUB_WORKER_SWEEP_GRACE_MS: "60000",
      // A failed attempt waits 6 s: past the relay's 5 s hint window, so its row is marked queued.
      // 10% failing at random must never open the breaker (its cooldown would outlast the bound).
      HUB_DELIVERY_BREAKER_THRESHOLD: "1000",
      HUB_DELIVERY_BACKOFF: "0s,6s,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms",
    };
    const hub = hubHandoff(env);
    closers.push(hub.close);
    const s = await fanoutScenario(t, { subscribers: 1, devices: 20, tag: "lost", handoff: hub.handoff });
    // The receiver fails 10% of requests at random.
    for (const r of s.receivers)
      r.setBehaviour(() =>
        Math.random() < 0.1 ? { status: 503 } : { status: 200, body: { RetCode: "200", RetInfo: "ok" } },
      );

    const doomed = spawnWorker(env);
    children.push(doomed);
    worker = await startWorker(workerConfig(env));
    const ids = await s.ingest(1_000);
    await waitUntil(
      "both workers delivering",
      async () => ((await countByStatus(t.db)).delivered ?? 0) >= 300,
      30_000,
    );
    doomed.child.kill("SIGKILL");
    expect(await doomed.exited).toBeNull();
    ids.push(...(await s.ingest(1_000)));
    expect(ids).toHaveLength(2_000);
    // Rows whose retry job sits in Redis and that the relay marked: only the sweeper found them before.
    await waitUntil("open rows marked queued", async () => (await markedOpen(t)) >= 20, 30_000);

    await redis.kill();
    // Down for a while, as a restart is: retries fall due meanwhile and must not wait for the sweep.
    await new Promise((r) => setTimeout(r, 3_000));
    // A new server without persistence: empty (the workers reconnect and start writing at once).
    redis = await startRedisServer(port);
    const back = Date.now();
    await waitUntil(
      "every delivery after Redis came back empty",
      () => allDelivered(t.db, 2_000),
      60_000,
    ).catch(async (e) => {
      throw new Error(`${e}: ${JSON.stringify(await countByStatus(t.db))}`);
    });
    const tookMs = Date.now() - back;
    console.info(`worker.redis-lost: all 2,000 delivered ${tookMs} ms after Redis came back empty`);
    expect(tookMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    const received = new Set(s.receivers.flatMap((r) => r.requests.map((q) => q.webhookId)));
    for (const id of ids) expect(received.has(id)).toBe(true);
    await s.close();
  }, 120_000);
});
