// `pnpm bench` (packages/delivery): reports/s from ingest to confirmed delivery vs raw BullMQ, and
// report-to-delivery latency at a fixed offered rate. Writes its section of docs/benchmarks.md.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadDeliverySettings } from "@yunlian/config";
import { type Database, type DatabaseHandle, deliveries, openDatabase, runRetention } from "@yunlian/db";
import { createTestDatabase } from "@yunlian/db/testing";
import { Queue, Worker } from "bullmq";
import { count, eq, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { request } from "undici";
import {
  DEFAULT_WORKER_CONCURRENCY,
  type DeliveryHandoff,
  deliveryConfig,
  ingestDatabaseUrl,
  ingestReport,
  reportBody,
  startQueueDelivery,
  workerDatabaseUrl,
} from "../src/index.ts";
import {
  bindDevice,
  insertPlatform,
  startTestReceiver,
  TEST_REDIS_URL,
  type TestReceiver,
  testKeyring,
  testUdeviceId,
  uniquePrefix,
} from "../src/testing/index.ts";

const REPORTS_1 = Number(process.env.BENCH_REPORTS_1 ?? 3_000);
const REPORTS_10 = Number(process.env.BENCH_REPORTS_10 ?? 500);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
/** Jobs in flight, the same for our worker and raw BullMQ (default: HUB_WORKER_CONCURRENCY's default). */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? DEFAULT_WORKER_CONCURRENCY);
/**
 * Reports ingested (ours) or jobs added (raw) at a time: the offered load, the same on both sides.
 * The main figures use the first; the 1-subscriber case is also run at the second.
 */
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 16);
const PARALLEL_HIGH = Number(process.env.BENCH_PARALLEL_HIGH ?? 64);
/** Rounds of (ours, raw) run back to back; the table shows medians, as the machine is shared. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Profiling aid: run only one side ("ours" or "raw"); the docs section is then not written. */
const ONLY = process.env.BENCH_ONLY;
const keyring = testKeyring();
/** Retention long enough that the bench's partition set-up drops nothing. */
const KEEP_ALL = { reports: 1e12, deliveries: 1e12, audit: 1e12, ops: 1e12 };
/** Comparison aid: BENCH_HANDOFF=0 queues through NOTIFY + relay instead of the ingest hand-off. */
const HANDOFF = process.env.BENCH_HANDOFF !== "0";
let handoff: DeliveryHandoff | undefined;
/** Where reports are written: the hub's ingest pool (kept plans, synchronous commits), as in apps/hub. */
let ingestDb: Database | undefined;

async function delivered(h: DatabaseHandle): Promise<number> {
  const [row] = await h.db.select({ n: count() }).from(deliveries).where(eq(deliveries.status, "delivered"));
  return row?.n ?? 0;
}

/**
 * Attempts our worker reported as delivered; the worker's observer is told after the attempt's
 * record has committed. Waiting on it costs nothing, like raw BullMQ's in-process `done` counter;
 * Postgres is then asked once to confirm (and polled only if it disagrees).
 */
let confirmed = 0;
async function allDelivered(h: DatabaseHandle, target: number): Promise<void> {
  await until(async () => confirmed >= target);
  await until(async () => (await delivered(h)) >= target);
}

async function until(check: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("bench: timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function scenario(h: DatabaseHandle, tag: string, subscribers: number) {
  const vendor = `V-${tag}`;
  await insertPlatform(h.db, keyring, { platId: vendor });
  const receivers: TestReceiver[] = [];
  const devs = Array.from({ length: 10 }, (_, i) => testUdeviceId(`${tag}${i}`));
  for (let s = 0; s < subscribers; s++) {
    const r = await startTestReceiver();
    receivers.push(r);
    await insertPlatform(h.db, keyring, { platId: `A-${tag}-${s}`, dataGatewayUrl: r.url });
    for (const d of devs)
      await bindDevice(h.db, { platId: `A-${tag}-${s}`, udeviceId: d, vendorPlatId: vendor });
  }
  let n = 0;
  const ingestOne = () => {
    n += 1;
    return ingestReport({
      db: ingestDb ?? h.db,
      vendorPlatId: vendor,
      notifier: h,
      ...(HANDOFF && handoff ? { handoff } : {}),
      report: {
        udeviceId: devs[n % devs.length] ?? "",
        dataType: "attr",
        deviceStatus: { seq: String(n), mode: "eco" },
        timestamp: String(Date.now()),
      },
    });
  };
  return { receivers, ingestOne, close: () => Promise.all(receivers.map((r) => r.close())) };
}

/** Ingest `reports` (`parallel` at a time) and wait until every delivery is confirmed in Postgres. */
async function throughput(
  h: DatabaseHandle,
  tag: string,
  subscribers: number,
  reports: number,
  parallel: number,
  base: number,
) {
  const s = await scenario(h, tag, subscribers);
  const cpu0 = process.cpuUsage();
  const srv0 = serverCpuMicros();
  const started = performance.now();
  for (let i = 0; i < reports; i += parallel) {
    await Promise.all(Array.from({ length: Math.min(parallel, reports - i) }, () => s.ingestOne()));
  }
  const ingested = performance.now();
  await allDelivered(h, base + reports * subscribers);
  const ms = performance.now() - started;
  const cpuUs = cpuMicros(process.cpuUsage(cpu0));
  const srv1 = serverCpuMicros();
  const srvUs = { pg: srv1.pg - srv0.pg, redis: srv1.redis - srv0.redis };
  await s.close();
  return { reports, deliveries: reports * subscribers, ms, ingestMs: ingested - started, cpuUs, srvUs };
}

/** Raw BullMQ: add one job per delivery with the same body, process it with the same HTTP POST. */
async function rawBullmq(jobs: number, subscribers: number, parallel: number) {
  const receivers = await Promise.all(Array.from({ length: subscribers }, () => startTestReceiver()));
  const prefix = uniquePrefix("rawbench");
  const conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("raw", { connection: conn, prefix });
  let done = 0;
  const worker = new Worker(
    "raw",
    async (job) => {
      const { url, body } = job.data as { url: string; body: string };
      const res = await request(url, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
      await res.body.text();
      done += 1;
    },
    {
      connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }),
      prefix,
      concurrency: CONCURRENCY,
      removeOnComplete: { count: 0 },
    },
  );
  const body = reportBody({
    udeviceId: testUdeviceId("raw"),
    dataType: "attr",
    deviceStatus: { seq: "1", mode: "eco" },
    timestamp: String(Date.now()),
  });
  const cpu0 = process.cpuUsage();
  const srv0 = serverCpuMicros();
  const started = performance.now();
  for (let i = 0; i < jobs; i += parallel) {
    await Promise.all(
      Array.from({ length: Math.min(parallel, jobs - i) }, (_, k) =>
        queue.add(
          "deliver",
          { url: receivers[(i + k) % subscribers]?.url ?? "", body },
          { removeOnComplete: true },
        ),
      ),
    );
  }
  await until(async () => done >= jobs);
  const ms = performance.now() - started;
  const cpuUs = cpuMicros(process.cpuUsage(cpu0));
  const srv1 = serverCpuMicros();
  const srvUs = { pg: srv1.pg - srv0.pg, redis: srv1.redis - srv0.redis };
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await conn.quit();
  await Promise.all(receivers.map((r) => r.close()));
  return { jobs, ms, cpuUs, srvUs };
}

/** CPU µs used so far by the PostgreSQL and Redis server processes (Linux /proc; 0 elsewhere). */
function serverCpuMicros(): { pg: number; redis: number } {
  const out = { pg: 0, redis: 0 };
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  const tick = 1e6 / 100; // USER_HZ is 100 on Linux
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const us = (Number(f[11]) + Number(f[12])) * tick;
      if (comm.startsWith("postgres")) out.pg += us;
      else if (comm.startsWith("redis-server")) out.redis += us;
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** User + system CPU of this process (ingest, worker, receivers: the same roles on both sides). */
function cpuMicros(u: NodeJS.CpuUsage): number {
  return u.user + u.system;
}

/** Offered load of RATE reports/s to one subscriber; latency = receiver arrival − ingest start. */
async function latency(h: DatabaseHandle, base: number) {
  const s = await scenario(h, "lat", 1);
  const startedById = new Map<string, number>();
  const total = RATE * RATE_SECONDS;
  const t0 = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const at = Date.now();
    pending.push(
      s.ingestOne().then((r) => {
        for (const id of r.deliveryIds) startedById.set(id, at);
      }),
    );
  }
  await Promise.all(pending);
  await allDelivered(h, base + total);
  const lat = (s.receivers[0]?.requests ?? [])
    .map((q) => q.at - (startedById.get(q.webhookId) ?? q.at))
    .sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? Number.NaN;
  await s.close();
  return { total, p50: pct(50), p99: pct(99), max: lat.at(-1) ?? Number.NaN };
}

async function main() {
  const created = await createTestDatabase();
  // Hub side (ingest) commits synchronously; the worker's pool has apps/worker's session settings.
  const hub = await openDatabase({ url: created.url, maxConnections: 20 });
  await hub.migrate();
  // Day partitions as a hub that has run for a month has them (docs/adr/0009): the last 30 days
  // and 3 ahead in each partitioned table, so reports and settled deliveries land among as many.
  for (let back = 30; back >= 0; back--) {
    await runRetention(hub, { retention: KEEP_ALL, now: Date.now() - back * 86_400_000 });
  }
  const ingest = await openDatabase({ url: ingestDatabaseUrl(created.url), maxConnections: 2 });
  ingestDb = ingest.db;
  const workerDb = await openDatabase({ url: workerDatabaseUrl(created.url), maxConnections: 36 });
  const delivery = await startQueueDelivery({
    db: workerDb.db,
    listener: hub,
    redisUrl: TEST_REDIS_URL,
    // The production defaults but for a shorter timeout; receivers listen on loopback, so
    // private addresses are allowed as HUB_ALLOW_PRIVATE_URLS=1 allows them.
    config: deliveryConfig(
      loadDeliverySettings({ HUB_DELIVERY_TIMEOUT_MS: "5000", HUB_ALLOW_PRIVATE_URLS: "1" }, "benchmark"),
    ),
    keyring,
    prefix: uniquePrefix("bench"),
    concurrency: CONCURRENCY,
    observer: {
      attempt: ({ outcome }) => {
        if (outcome === "delivered") confirmed += 1;
      },
    },
  });
  if (HANDOFF) handoff = delivery.handoff;
  try {
    const loadBefore = loadavg()[0] ?? 0;
    const [av] = (await hub.db.execute(sql`show autovacuum`)) as unknown as { autovacuum?: string }[];
    const autovacuum = av?.autovacuum ?? "unknown";
    type Round = { ours: Awaited<ReturnType<typeof throughput>>; raw: Awaited<ReturnType<typeof rawBullmq>> };
    const rounds: Record<"one" | "ten" | "oneHigh", Round[]> = { one: [], ten: [], oneHigh: [] };
    let base = 0;
    // Warm-up, not counted: both paths once, so JIT compilation, connection pools and Redis
    // scripts are ready before the first measured round (it used to be the slowest by far).
    for (const [subscribers, reports] of [
      [1, REPORTS_1],
      [10, Math.ceil(REPORTS_10 / 2)],
    ] as const) {
      if (ONLY !== "raw")
        base += (await throughput(hub, `warm${subscribers}`, subscribers, reports, PARALLEL, base))
          .deliveries;
      if (ONLY !== "ours") await rawBullmq(reports * subscribers, subscribers, PARALLEL);
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const [key, subscribers, reports, parallel] of [
        ["one", 1, REPORTS_1, PARALLEL],
        ["ten", 10, REPORTS_10, PARALLEL],
        ["oneHigh", 1, REPORTS_1, PARALLEL_HIGH],
      ] as const) {
        // Ours, then raw BullMQ right after it, so both see about the same machine load.
        const ours =
          ONLY === "raw"
            ? {
                reports,
                deliveries: reports * subscribers,
                ms: Number.NaN,
                ingestMs: Number.NaN,
                cpuUs: 0,
                srvUs: { pg: 0, redis: 0 },
              }
            : await throughput(hub, `${key}${r}`, subscribers, reports, parallel, base);
        base += ours.deliveries;
        const raw =
          ONLY === "ours"
            ? { jobs: ours.deliveries, ms: Number.NaN, cpuUs: 0, srvUs: { pg: 0, redis: 0 } }
            : await rawBullmq(ours.deliveries, subscribers, parallel);
        rounds[key].push({ ours, raw });
        console.error(
          `round ${r} ${key}: ours ${((ours.deliveries / ours.ms) * 1000).toFixed(0)}/s ${(ours.cpuUs / ours.deliveries).toFixed(0)} µs cpu/delivery (pg ${(ours.srvUs.pg / ours.deliveries).toFixed(0)}, redis ${(ours.srvUs.redis / ours.deliveries).toFixed(0)}), ` +
            `raw ${((raw.jobs / raw.ms) * 1000).toFixed(0)}/s ${(raw.cpuUs / raw.jobs).toFixed(0)} µs cpu/job (redis ${(raw.srvUs.redis / raw.jobs).toFixed(0)}), ratio ${(ours.ms > 0 ? raw.ms / ours.ms : 0).toFixed(2)}`,
        );
      }
    }
    if (ONLY) return;
    const lat = await latency(hub, base);
    const loadAfter = loadavg()[0] ?? 0;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
    const perSec = (n: number, ms: number) => (n / ms) * 1000;
    const summary = (name: string, rs: Round[]) => {
      const first = rs[0]?.ours;
      const dps = rs.map((x) => perSec(x.ours.deliveries, x.ours.ms));
      const rawps = rs.map((x) => perSec(x.raw.jobs, x.raw.ms));
      const ratios = rs.map((_, i) => (dps[i] ?? 0) / (rawps[i] ?? 1));
      return {
        name,
        reports: first?.reports ?? 0,
        deliveries: first?.deliveries ?? 0,
        rps: median(rs.map((x) => perSec(x.ours.reports, x.ours.ms))),
        ingestRps: median(rs.map((x) => perSec(x.ours.reports, x.ours.ingestMs))),
        dps: median(dps),
        rawps: median(rawps),
        ratio: median(ratios),
        ratios,
        cpuPer: median(rs.map((x) => x.ours.cpuUs / x.ours.deliveries)),
        rawCpuPer: median(rs.map((x) => x.raw.cpuUs / x.raw.jobs)),
        pgPer: median(rs.map((x) => x.ours.srvUs.pg / x.ours.deliveries)),
        redisPer: median(rs.map((x) => x.ours.srvUs.redis / x.ours.deliveries)),
        rawRedisPer: median(rs.map((x) => x.raw.srvUs.redis / x.raw.jobs)),
      };
    };
    const rows = [
      summary(`1 subscriber, ${PARALLEL} in flight`, rounds.one),
      summary(`10 subscribers, ${PARALLEL} in flight`, rounds.ten),
      summary(`1 subscriber, ${PARALLEL_HIGH} in flight`, rounds.oneHigh),
    ];
    const fmt = (n: number) => n.toFixed(0);
    const rawAll = [...rounds.one, ...rounds.ten, ...rounds.oneHigh].map((x) => perSec(x.raw.jobs, x.raw.ms));
    const lines = [
      "## Status-report delivery",
      "",
      "Command: `cd packages/delivery && npx -y pnpm@12.4.2 bench` (PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379;",
      "`BENCH_REPORTS_1`, `BENCH_REPORTS_10`, `BENCH_PARALLEL`, `BENCH_PARALLEL_HIGH`, `BENCH_RATE`, `BENCH_RATE_SECONDS`,",
      "`BENCH_ROUNDS`, `BENCH_CONCURRENCY` resize it).",
      `Run ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPU(s), one process for hub-side ingest,`,
      `BullMQ worker (concurrency ${CONCURRENCY}) and the local HTTP receivers — all sharing the machine with PostgreSQL and Redis.`,
      "",
      `Machine load average (1 min) ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after the run: other work shares`,
      `these CPUs, so single runs swing widely (raw BullMQ alone ranged ${fmt(Math.min(...rawAll))}–${fmt(Math.max(...rawAll))} jobs/s across this run's rounds).`,
      `Each figure is the median of ${ROUNDS} rounds, after a warm-up round of both (not counted);`,
      "every round runs our path and then raw BullMQ back to back.",
      "Tables partitioned by day (migration 0008): 34 day partitions per table (30 days back, 3 ahead), open deliveries in deliveries_open. " +
        `PostgreSQL autovacuum is ${autovacuum} on this server${autovacuum === "off" ? ": the dead row versions every delivery leaves (queued, then settled) pile up over the run, so later rounds of our path cost more Postgres CPU than earlier ones" : ""}.`,
      "",
      `Throughput, ingest (${PARALLEL} concurrent reports, group-committed: reports that arrive while a commit is in flight`,
      `share the next transaction) → confirmed delivery, against raw BullMQ \`add\` (${PARALLEL} at a time) + a worker with the`,
      "same concurrency that POSTs the same body to the same kind of receiver (no Postgres, no signing, no",
      "per-endpoint limit: ours keeps `HUB_DELIVERY_ENDPOINT_CONCURRENCY`, 8 requests in flight per endpoint).",
      `The last row offers ${PARALLEL_HIGH} reports (or adds) at a time instead, on both sides.`,
      "Confirmed = the worker's observer saw the attempt succeed, which it is told after the attempt's record",
      "(attempt row + delivered status) has been written; Postgres is then asked once to confirm the count.",
      "CPU per delivery is this process's user + system time (ingest or add, worker, receivers) over the run,",
      "divided by deliveries; PostgreSQL's and Redis's own CPU (all their processes, read from /proc in 10 ms",
      "ticks, so coarse) is in the last two columns. The machine has 2 CPUs for all of it: what bounds both paths",
      "is the sum.",
      "",
      "| scenario | reports | deliveries | reports/s | ingest alone, reports/s | deliveries/s | raw BullMQ jobs/s | ratio (deliveries/s ÷ raw), median (rounds) | bench process CPU per delivery, ours / raw | PostgreSQL CPU per delivery, ours | Redis CPU per delivery, ours / raw |",
      "|---|---|---|---|---|---|---|---|---|---|---|",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.reports} | ${r.deliveries} | ${fmt(r.rps)} | ${fmt(r.ingestRps)} | ${fmt(r.dps)} | ${fmt(r.rawps)} | ${r.ratio.toFixed(2)} (${r.ratios.map((x) => x.toFixed(2)).join(", ")}) | ${fmt(r.cpuPer)} / ${fmt(r.rawCpuPer)} µs | ${fmt(r.pgPer)} µs | ${fmt(r.redisPer)} / ${fmt(r.rawRedisPer)} µs |`,
      ),
      "",
      `Latency at a fixed offered rate of ${RATE} reports/s for ${RATE_SECONDS} s (1 subscriber, ${lat.total} reports),`,
      `from the start of ingest to the receiver getting the request: p50 ${fmt(lat.p50)} ms, p99 ${fmt(lat.p99)} ms, max ${fmt(lat.max)} ms.`,
      "",
      "What our path does per report and delivery. Ingest (on a pool of its own that keeps the statement's plan, as",
      "the hub's is): concurrent `ingestReport` calls on one database are",
      "written together — one statement per batch (history rows, one shadow write per device folding its reports in",
      "arrival order, outbox rows, one key-share lock of the batch's platforms instead of per-row foreign-key",
      "checks), one commit, one WAL flush; a failed batch is retried report by report. The statement answers",
      "with each new row's receiver URL and encrypted secrets, so right after the commit the ingesting process",
      "`addBulk`s one job per delivery carrying its first request (the hand-off: no NOTIFY, no relay pass reading",
      "the rows back). Worker: a job's first run sends that request at once (signed now, with a fresh timestamp)",
      "and writes one record that counts the attempt only if the row still has attempt − 1 attempts; records of",
      "concurrent attempts go in one `jsonb_to_recordset` statement. Later runs (retry, postponement, stalled",
      "job) claim the row first. A relay in the worker only queues rows nobody queued (a failed hand-off, once",
      "5 s old; replays; retries). The outbox has three secondary indexes, open rows in a partial one.",
      "",
      "Earlier figures on this machine (1 / 10 subscribers, 16 in flight): 0.20 / 0.32 at first; 0.23 / 0.27 at",
      "concurrency 32 before the prepared first attempt; 0.38 / 0.41 with it; 0.42–0.52 / 0.55–0.67 before the",
      "hand-off. See the summary at the top for every run.",
      "",
    ];
    const section = lines.join("\n");
    console.log(section);
    writeSection(section);
  } finally {
    await delivery.stop();
    await workerDb.close();
    await ingest.close();
    await hub.close();
    await created.drop();
  }
}

/** Replaces only this section of docs/benchmarks.md (other packages own the other sections). */
function writeSection(section: string) {
  // BENCH_DOC: write elsewhere (exploratory runs), or "-" to write nowhere.
  if (process.env.BENCH_DOC === "-") return;
  const path =
    process.env.BENCH_DOC ?? fileURLToPath(new URL("../../../docs/benchmarks.md", import.meta.url));
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    text = "# Benchmarks\n\n";
  }
  const start = text.indexOf("## Status-report delivery");
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf("\n## ", start + 1);
    text = text.slice(0, start) + section + (next < 0 ? "" : `\n${text.slice(next + 1)}`);
  }
  writeFileSync(path, `${text.trimEnd()}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
