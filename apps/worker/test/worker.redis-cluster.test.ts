import { servicesRequired } from "@yunlian/db/testing";
import { ingestReport, openQueueHandoff, shardOf, shardPrefix } from "@yunlian/delivery";
import {
  bindDevice,
  insertPlatform,
  openTestDb,
  servicesCheck,
  startTestReceiver,
  type TestDb,
  type TestReceiver,
  testKeyring,
  testUdeviceId,
} from "@yunlian/delivery/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCluster, redisBinariesPresent, redisCli, startRedisCluster } from "./redis-servers.ts";
import {
  allDelivered,
  countByStatus,
  spawnWorker,
  type WorkerChild,
  waitUntil,
  workerEnv,
} from "./support.ts";

const svc = await servicesCheck(true);
const binaries = await redisBinariesPresent();
if (!binaries && servicesRequired()) throw new Error("redis-server/redis-cli missing, but CI requires them");
if (!svc.ok) console.warn(`worker.redis-cluster.test.ts ${svc.message}`);
if (!binaries) console.warn("worker.redis-cluster.test.ts skipped: redis-server not on PATH");

const SHARDS = 8;
const REPORTS = 10_000;
const PLATFORMS = 16;
/** The issue's bound: every report delivered this soon after the cluster is whole again. */
const RECOVERY_BOUND_MS = 10_000;
/** Worker log messages that tell how the failover went. */
const FAILOVER_LOG = ["Redis lost its data", "Redis data check failed", "delivery relay pass failed"];

/**
 * A queue prefix whose 8 shard hash tags fall on every master: which slot a tag hashes to is
 * fixed, which master holds that slot depends on `redis-cli --cluster create`, so try a few.
 */
async function prefixOverAllMasters(cluster: LocalCluster): Promise<string> {
  const seed = cluster.ports[0] ?? 0;
  // CLUSTER NODES: "<id> <host:port@bus> <flags> <master> … <slot ranges>", one line per node.
  const ranges = (await redisCli(seed, "cluster", "nodes"))
    .split("\n")
    .filter((line) => line.split(" ")[2]?.includes("master"))
    .flatMap((line) => {
      const [, addr = "", , , , , , , ...slots] = line.trim().split(" ");
      return slots.map((r) => {
        const [from = 0, to = from] = r.split("-").map(Number);
        return { from, to, master: addr.split("@")[0] };
      });
    });
  for (let i = 0; i < 50; i++) {
    const prefix = `{ylcluster-${process.pid}-${i}}`;
    const masters = new Set<string | undefined>();
    for (let s = 0; s < SHARDS; s++) {
      const slot = Number(await redisCli(seed, "cluster", "keyslot", shardPrefix(prefix, s, SHARDS)));
      masters.add(ranges.find((r) => slot >= r.from && slot <= r.to)?.master);
    }
    if (masters.size === 3 && !masters.has(undefined)) return prefix;
  }
  throw new Error(`no queue prefix whose ${SHARDS} shards fall on all three masters`);
}

/** Receiving platforms (two per shard), each with its own endpoint on one receiver and its own devices. */
async function platformsOverShards(t: TestDb, receiver: TestReceiver, vendor: string) {
  const keyring = testKeyring();
  await insertPlatform(t.db, keyring, { platId: vendor });
  const perShard = new Map<number, number>();
  const devices: string[] = [];
  for (let i = 0; devices.length < PLATFORMS * 2; i++) {
    const platId = `APP-CL-${i}`;
    const shard = shardOf(platId, SHARDS);
    if ((perShard.get(shard) ?? 0) >= PLATFORMS / SHARDS) continue;
    perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    await insertPlatform(t.db, keyring, {
      platId,
      dataGatewayUrl: new URL(`/gw/${platId}`, receiver.url).href,
    });
    for (const d of [0, 1]) {
      const udeviceId = testUdeviceId(`cl${i}x${d}`);
      await bindDevice(t.db, { platId, udeviceId, vendorPlatId: vendor });
      devices.push(udeviceId);
    }
  }
  return devices;
}

/** Shards whose queue has an events stream on `port` (BullMQ writes one per queue as jobs pass). */
async function shardsOn(port: number): Promise<string[]> {
  const out = await redisCli(port, "--scan", "--pattern", "*:deliveries:events");
  return out.split("\n").filter((l) => l !== "");
}

describe.skipIf(!svc.ok || !binaries)(
  "deliveries over 8 shards on a Redis Cluster, a master killed mid-run",
  () => {
    let t: TestDb;
    let cluster: LocalCluster | undefined;
    let receiver: TestReceiver | undefined;
    const children: WorkerChild[] = [];
    const closers: (() => Promise<void>)[] = [];
    beforeAll(async () => {
      t = await openTestDb();
    });
    afterAll(async () => {
      for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGKILL");
      for (const close of closers) await close().catch(() => undefined);
      await receiver?.close();
      await cluster?.stop();
      await t?.close();
    });

    it("every report is delivered (duplicates allowed, no loss), jobs on all three masters", async () => {
      cluster = await startRedisCluster(6, 2_000);
      const prefix = await prefixOverAllMasters(cluster);
      const env = {
        ...workerEnv(t.url, cluster.url, prefix),
        HUB_DELIVERY_SHARDS: String(SHARDS),
        HUB_WORKER_CONCURRENCY: "64",
        HUB_DELIVERY_BREAKER_THRESHOLD: "1000",
        // The sweeper's defaults: recovery after the failover must not come from it.
        HUB_WORKER_SWEEP_INTERVAL_MS: "30000",
        HUB_WORKER_SWEEP_GRACE_MS: "60000",
      };
      receiver = await startTestReceiver();
      const vendor = "VENDOR-CL";
      const devices = await platformsOverShards(t, receiver, vendor);
      const hub = openQueueHandoff({ redisUrl: cluster.url, prefix, shards: SHARDS });
      closers.push(hub.close);

      // Two workers: one takes every shard, the other half of them.
      children.push(spawnWorker(env), spawnWorker({ ...env, HUB_WORKER_SHARDS: "0,1,2,3" }));
      const ids: string[] = [];
      const ingesting = (async () => {
        for (let n = 0; n < REPORTS; n += 50) {
          const batch = Array.from({ length: 50 }, (_, i) =>
            ingestReport({
              db: t.db,
              vendorPlatId: vendor,
              notifier: t.handle,
              handoff: hub.handoff,
              report: {
                udeviceId: devices[(n + i) % devices.length] ?? "",
                dataType: "attr",
                deviceStatus: { seq: String(n + i) },
                timestamp: String(Date.now()),
              },
            }),
          );
          for (const r of await Promise.all(batch)) ids.push(...r.deliveryIds);
        }
      })();

      const delivered = async () => (await countByStatus(t.db)).delivered ?? 0;
      await waitUntil("a third delivered", async () => (await delivered()) >= REPORTS / 3, 90_000);
      // Every shard's queue has had jobs, and they sit on all three masters.
      const masters = await cluster.masters();
      expect(masters).toHaveLength(3);
      const byMaster = await Promise.all(masters.map(shardsOn));
      for (const shards of byMaster) expect(shards.length).toBeGreaterThan(0);
      expect(byMaster.flat().sort()).toEqual(
        Array.from(
          { length: SHARDS },
          (_, s) => `${shardPrefix(prefix, s, SHARDS)}:deliveries:events`,
        ).sort(),
      );

      // Kill a master (not the seed node in REDIS_URL); its replica takes over after the node timeout.
      const victim = masters.find((p) => p !== cluster?.ports[0]) ?? 0;
      await cluster.nodes.get(victim)?.kill();
      const killedAt = await delivered();
      await cluster.waitHealthy(3, 30_000);
      const back = Date.now();
      // Counts every half second after the failover (ms since), printed with the result: where the time went.
      const timeline: string[] = [];
      const sampler = setInterval(() => {
        countByStatus(t.db).then(
          (c) => timeline.push(`${Date.now() - back} ms: ${JSON.stringify(c)}`),
          () => undefined,
        );
      }, 500);
      await ingesting;
      expect(ids).toHaveLength(REPORTS);
      await waitUntil("every delivery after the failover", () => allDelivered(t.db, REPORTS), 90_000).catch(
        async (e) => {
          const logs = children.map((c) => c.output.join("").slice(-2_000)).join("\n---\n");
          throw new Error(`${e}: ${JSON.stringify(await countByStatus(t.db))}\n${logs}`);
        },
      );
      const tookMs = Date.now() - back;
      clearInterval(sampler);
      // The workers' own account of the failover: when each noticed it, and any pass that failed.
      const workerLines = children.flatMap((c) =>
        c.output
          .join("")
          .split("\n")
          .filter((l) => FAILOVER_LOG.some((m) => l.includes(m)))
          .map((l) => {
            const { time, msg, err } = JSON.parse(l) as { time: number; msg: string; err?: string };
            return `${time - back} ms, worker ${c.child.pid}: ${msg}${err ? ` (${err.slice(0, 120)})` : ""}`;
          }),
      );
      console.info(
        [
          `worker.redis-cluster: master ${victim} killed at ${killedAt} delivered; all ${REPORTS} delivered ${tookMs} ms after the failover`,
          ...timeline,
          ...workerLines,
        ].join("\n"),
      );
      const received = new Set(receiver.requests.map((q) => q.webhookId));
      const missing = ids.filter((id) => !received.has(id));
      expect(missing).toEqual([]);
      expect(tookMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
      // The workers saw the replica take over (a new master) and queued every open row again.
      await waitUntil(
        "a worker to log the failover",
        async () => children.some((c) => c.output.join("").includes("Redis lost its data")),
        15_000,
      );
    }, 180_000);
  },
);
