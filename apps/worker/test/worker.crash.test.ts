import {
  openTestDb,
  servicesCheck,
  TEST_REDIS_URL,
  type TestDb,
  uniquePrefix,
} from "@yunlian/delivery/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allDelivered,
  countByStatus,
  fanoutScenario,
  hubHandoff,
  spawnWorker,
  successCountsNotOne,
  type WorkerChild,
  waitUntil,
  workerEnv,
} from "./support.ts";

const svc = await servicesCheck(true);
if (!svc.ok) console.warn(`worker.crash.test.ts ${svc.message}`);

describe.skipIf(!svc.ok)("worker process killed with SIGKILL mid-deliveries", () => {
  let t: TestDb;
  const children: WorkerChild[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGKILL");
    await t?.close();
  });
  beforeAll(async () => {
    t = await openTestDb();
  });

  it("a new worker finishes every delivery; none is lost", async () => {
    const env = workerEnv(t.url, TEST_REDIS_URL, uniquePrefix("crash"));
    // Queued by the ingesting side (the hub's way), before any worker runs.
    const hub = hubHandoff(env);
    closers.push(hub.close);
    const s = await fanoutScenario(t, { subscribers: 2, devices: 5, tag: "crash", handoff: hub.handoff });
    // Slow receivers so the kill lands while many attempts are in flight.
    for (const r of s.receivers)
      r.setBehaviour(() => ({ status: 200, body: { RetCode: "200" }, delayMs: 40 }));
    const ids = await s.ingest(300);
    expect(ids).toHaveLength(600);

    const first = spawnWorker(env);
    children.push(first);
    await waitUntil(
      "the first worker to deliver some",
      async () => ((await countByStatus(t.db)).delivered ?? 0) >= 100,
      20_000,
    );
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull(); // killed, not exited
    const afterKill = await countByStatus(t.db);
    expect(afterKill.delivered ?? 0).toBeLessThan(600);

    const second = spawnWorker(env);
    children.push(second);
    await waitUntil("every delivery delivered", () => allDelivered(t.db, 600), 60_000).catch(async (e) => {
      throw new Error(
        `${e}: ${JSON.stringify(await countByStatus(t.db))}\n${second.output.join("").slice(-2000)}`,
      );
    });
    const received = new Set(s.receivers.flatMap((r) => r.requests.map((q) => q.webhookId)));
    for (const id of ids) expect(received.has(id)).toBe(true);
    expect(await successCountsNotOne(t.db)).toBe(0);

    // Graceful stop: SIGTERM lets the worker finish and exit 0.
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    await s.close();
  });
});
