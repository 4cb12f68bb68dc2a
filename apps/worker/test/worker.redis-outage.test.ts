import { type ChildProcess, spawn } from "node:child_process";
import { freePort, openTestDb, servicesCheck, type TestDb, uniquePrefix } from "@yunlian/delivery/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningWorker, startWorker } from "../src/index.ts";
import {
  allDelivered,
  countByStatus,
  fanoutScenario,
  hubHandoff,
  successCountsNotOne,
  waitUntil,
  workerConfig,
  workerEnv,
} from "./support.ts";

const svc = await servicesCheck(true);
if (!svc.ok) console.warn(`worker.redis-outage.test.ts ${svc.message}`);

/** A throwaway Redis (never the shared one): no persistence, so a restart really loses the queue. */
function startRedis(port: number): { proc: ChildProcess; ready: Promise<void> } {
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("Ready to accept connections")) resolve();
    });
    proc.once("exit", (code) => reject(new Error(`redis-server exited early (${code})`)));
  });
  return { proc, ready };
}

describe.skipIf(!svc.ok)("Redis stopped while reports keep arriving", () => {
  let t: TestDb;
  let redis: ChildProcess | undefined;
  let worker: RunningWorker | undefined;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await worker?.stop().catch(() => undefined);
    for (const close of closers) await close().catch(() => undefined);
    redis?.kill("SIGKILL");
    await t?.close();
  });

  it("every report is accepted and stored; all are delivered once Redis is back", async () => {
    const port = await freePort();
    const r1 = startRedis(port);
    redis = r1.proc;
    await r1.ready;
    const env = workerEnv(t.url, `redis://127.0.0.1:${port}`, uniquePrefix("outage"));
    // Reports come in the hub's way: queued by the ingesting side itself while Redis is up.
    const hub = hubHandoff(env);
    closers.push(hub.close);
    const s = await fanoutScenario(t, { subscribers: 2, devices: 3, tag: "outage", handoff: hub.handoff });
    worker = await startWorker(workerConfig(env));

    const before = await s.ingest(50);
    await waitUntil("deliveries before the outage", () => allDelivered(t.db, before.length), 20_000);

    // Outage: Redis dies with whatever it held; ingest must not notice.
    r1.proc.kill("SIGKILL");
    await new Promise((r) => r1.proc.once("exit", r));
    const during: string[] = [];
    for (let i = 0; i < 5; i++) {
      during.push(...(await s.ingest(20)));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(during).toHaveLength(200);
    const stuck = await countByStatus(t.db);
    expect(stuck.pending ?? 0).toBeGreaterThan(0); // stored, waiting in the outbox

    // Redis comes back empty (no persistence); the relay and sweeper refill it from Postgres.
    const r2 = startRedis(port);
    redis = r2.proc;
    await r2.ready;
    const total = before.length + during.length;
    await waitUntil("every delivery after Redis returned", () => allDelivered(t.db, total), 60_000).catch(
      async (e) => {
        throw new Error(`${e}: ${JSON.stringify(await countByStatus(t.db))}`);
      },
    );
    const received = new Set(s.receivers.flatMap((r) => r.requests.map((q) => q.webhookId)));
    for (const id of [...before, ...during]) expect(received.has(id)).toBe(true);
    expect(await successCountsNotOne(t.db)).toBe(0);
    await worker.stop();
    worker = undefined;
    await s.close();
  });
});
