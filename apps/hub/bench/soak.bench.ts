/**
 * `pnpm bench:soak` (apps/hub; the root script delegates here): a long run of mixed traffic at half
 * of the peak measured first in the same run, against the hub and the worker started as
 * production starts them (built dist/, `node dist/main.js`, configuration from the environment),
 * a PostgreSQL cluster of its own with autovacuum on, and a redis-server of its own.
 *
 * The mix (soak/traffic.ts): devices/op through the hub to a device-cloud sim, status reports
 * from that sim fanned out to 1 subscriber and to 10. One of the ten fails 10 % of requests at
 * random, another is down for 5 minutes in the middle. Retention is shortened (1-minute
 * partitions, 6 minutes kept) so that partitions are dropped during the run.
 *
 * Knobs: SOAK_BREAKER=default (keep the delivery circuit breaker, which the soak turns off), SOAK_MINUTES (20), SOAK_PEAK_SECONDS (45), SOAK_COST_SECONDS (30), SOAK_CONCURRENCY (32,
 * the peak's closed-loop callers), SOAK_SVG (where the plot goes; default docs/img/soak.svg),
 * SOAK_DOC (docs/benchmarks.md; "-" writes no doc, for shortened development runs).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { adminClient } from "../test/support/client.ts";
import { startHubProcess } from "../test/support/hub-process.ts";
import { type Cost, perRequest, rates, splitReportCost } from "./soak/costs.ts";
import { soakSvg } from "./soak/plot.ts";
import { type Sample, Sampler } from "./soak/sampler.ts";
import { startPostgres, startRedis } from "./soak/servers.ts";
import { type Kind, mixShare, percentile, type Sent, Traffic } from "./soak/traffic.ts";
import { setUpWorld } from "./soak/world.ts";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 20);
const PEAK_SECONDS = Number(process.env.SOAK_PEAK_SECONDS ?? 45);
const COST_SECONDS = Number(process.env.SOAK_COST_SECONDS ?? 30);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 32);
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..");
const SVG = process.env.SOAK_SVG ?? join(repo, "docs", "img", "soak.svg");
const DOC = process.env.SOAK_DOC ?? join(repo, "docs", "benchmarks.md");
const ADMIN = "soak-admin-token-0123456789-abcdefgh";
/** One receiver is down for this long, centred in the run (5 minutes, or a quarter of a short run). */
const DOWN_MINUTES = Math.min(5, MINUTES / 4);
const DOWN_FROM = (MINUTES - DOWN_MINUTES) / 2;
const RETENTION = {
  HUB_PARTITION_INTERVAL: "1m",
  // Reports outlive settled deliveries, as by default (30 and 14 days): a delivery that went dead
  // early in the run can still be replayed at the outage's end. With both at 6 minutes, one dead
  // at minute 5 had lost its report by the replay at minute 12.5 (and was then replayed into a row
  // with nothing to send, since refused: packages/delivery admin/deliveries.ts reportKept).
  HUB_RETENTION_REPORTS: "12m",
  HUB_RETENTION_DELIVERIES: "6m",
  // The op records (day partitions, like the rest) on the deliveries' horizon.
  HUB_RETENTION_OPS: "6m",
};

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function startWorker(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
} {
  let output = "";
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: join(repo, "apps", "worker"),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return {
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

interface MinuteRow {
  minute: number;
  requests: number;
  errors: number;
  shed: number;
  rps: number;
  p50: number;
  p99: number;
  hubRssMb: number;
  workerRssMb: number;
  dbMb: number;
  redisMb: number;
  open: number;
  dead: number;
  partitions: number;
  dropped: number;
  cpu: { hub: number; worker: number; pg: number; redis: number };
  load: number;
  /** The largest tables at the minute's end (MB, partitions summed), for where growth goes. */
  tables: { table: string; mb: number }[];
}

async function main() {
  const started = new Date();
  const loadBefore = loadavg()[0] ?? 0;
  log(`soak: ${MINUTES} min, starting private PostgreSQL and Redis`);
  const pg = await startPostgres();
  const redis = await startRedis();
  const common = {
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    HUB_QUEUE_PREFIX: "soak",
    HUB_SECRET_KEY: "33".repeat(32),
    HUB_ALLOW_PRIVATE_URLS: "1",
    HUB_LOG_LEVEL: "warn",
    // Short enough that deliveries to the receiver that is down for 5 minutes go dead (and are
    // replayed), long enough that the 10 % failures of the flaky one never exhaust it.
    HUB_DELIVERY_BACKOFF: "0s,2s,10s,30s,1m",
    // With the default breaker (5 failures) an endpoint that is down gets its deliveries put off
    // without spending attempts, so nothing goes dead in 5 minutes (a first run showed it); the
    // soak turns it off (SOAK_BREAKER=default keeps it) so that dead deliveries are replayed.
    ...(process.env.SOAK_BREAKER === "default" ? {} : { HUB_DELIVERY_BREAKER_THRESHOLD: "1000000" }),
    HUB_RETENTION_INTERVAL: "20s",
    // No report confirms the soak's ops (the sim does not report them), so each one times out; at
    // 5 s rather than the default 60 s that sweep falls inside the op cost phase it belongs to.
    HUB_OP_CONFIRM_TIMEOUT: "5s",
    ...RETENTION,
  };
  const hub = await startHubProcess({ ...common, HUB_ADMIN_TOKEN: ADMIN, HUB_RATE_LIMIT: "off" });
  const worker = startWorker(common);
  // If the bench fails or is interrupted, the hub and worker must not outlive it.
  const orphanGuard = () => {
    hub.child.kill("SIGKILL");
    worker.child.kill("SIGKILL");
  };
  process.once("exit", orphanGuard);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  await new Promise((r) => setTimeout(r, 2000));
  if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
  const pids = () => ({
    hub: hub.child.pid ?? 0,
    worker: worker.child.pid ?? 0,
    pg: pg.pid,
    redis: redis.pid,
  });
  const sampler = new Sampler(pg.url, redis.url, pids);
  const world = await setUpWorld(hub.url, ADMIN);
  const admin = adminClient(hub.url, ADMIN);
  const traffic = new Traffic(world.target);
  log("soak: platforms registered and bound; hub and worker up");

  const waitDrained = async (timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = await sampler.take();
      if (s.openDeliveries === 0 || Date.now() > end) return s;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const okCount = (xs: Sent[]) => xs.filter((x) => x.ok).length;

  // 1. Peak: closed loop of the mix, then until every delivery it caused is made.
  await traffic.closedLoop(CONCURRENCY, 5);
  await waitDrained(120_000);
  const p0 = await sampler.take();
  const peakSent = await traffic.closedLoop(CONCURRENCY, PEAK_SECONDS);
  const p1 = await waitDrained(300_000);
  const peakElapsed = (p1.at - p0.at) / 1000;
  const peak = {
    requests: peakSent.length,
    ok: okCount(peakSent),
    ingestRps: peakSent.length / PEAK_SECONDS,
    sustainedRps: okCount(peakSent) / peakElapsed,
    drainSeconds: peakElapsed - PEAK_SECONDS,
    p50: percentile(
      peakSent.map((x) => x.ms).sort((a, b) => a - b),
      0.5,
    ),
    p99: percentile(
      peakSent.map((x) => x.ms).sort((a, b) => a - b),
      0.99,
    ),
  };
  const rate = peak.sustainedRps / 2;
  log(
    `peak: ${peak.ingestRps.toFixed(0)} req/s accepted by the hub in the closed loop, ${peak.sustainedRps.toFixed(0)} req/s with every delivery made (drain ${peak.drainSeconds.toFixed(0)} s); soak rate ${rate.toFixed(0)} req/s`,
  );

  // 2. Costs: idle, then each kind of request alone at the soak rate (reports to 10 at a quarter).
  const i0 = await sampler.take();
  await new Promise((r) => setTimeout(r, 15_000));
  const idle = rates(i0, await sampler.take());
  const costOf = async (kind: Kind, r: number) => {
    const a = await sampler.take();
    const before = traffic.accepted.size;
    const sent: Sent[] = [];
    traffic.onDone = (s) => sent.push(s);
    await traffic.openLoop({ rate: () => r, seconds: COST_SECONDS, only: kind });
    traffic.onDone = () => {};
    await waitDrained(300_000);
    // The ops' timeouts (HUB_OP_CONFIRM_TIMEOUT) and the last retries are part of the phase's cost.
    await new Promise((r) => setTimeout(r, 8_000));
    const b = await waitDrained(300_000);
    const n = okCount(sent);
    log(`cost phase ${kind}: ${n} requests at ${r.toFixed(0)}/s, ${traffic.accepted.size - before} reports`);
    return {
      cost: perRequest(a, b, n, idle),
      n,
      p99: percentile(
        sent.map((x) => x.ms).sort((x, y) => x - y),
        0.99,
      ),
    };
  };
  const opCost = await costOf("op", rate);
  const r1Cost = await costOf("r1", rate);
  const r10Cost = await costOf("r10", rate / 4);
  const split = splitReportCost(r1Cost.cost, r10Cost.cost);

  // 3. The soak.
  const rows: MinuteRow[] = [];
  let bucket: Sent[] = [];
  traffic.onDone = (s) => bucket.push(s);
  let last = await sampler.take();
  const soakStart = last;
  const replays: { at: number; replayed: number; ids: string[] }[] = [];
  let replayWatch: Promise<unknown> = Promise.resolve();
  let downAt: number | undefined;
  let upAt: number | undefined;
  const replayFailures: string[] = [];
  const replayDead = async (): Promise<{ replayed: number; ids: string[] }> => {
    // The bulk replay also restarts failed ones waiting for their next attempt; the dead are what it is for.
    const ids = (await sampler.sql`select id from deliveries where status = 'dead'`).map((r) => String(r.id));
    let replayed = 0;
    for (const platId of world.subscriberPlatIds) {
      // A failed replay is a finding, not the end of the run: it is logged with the hub's own
      // log lines, counted, and tried again.
      for (let attempt = 1; ; attempt++) {
        const res = await admin.post("/admin/v1/deliveries/replay", {
          platId,
          since: new Date(0).toISOString(),
        });
        if (res.status === 202) {
          replayed += Number(res.body.replayed);
          break;
        }
        replayFailures.push(`${platId}: ${res.status} ${JSON.stringify(res.body)}`);
        log(`replay ${platId} failed (${res.status}); the hub's log:\n${hub.output().slice(-3000)}`);
        if (attempt >= 10) break;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    return { replayed, ids };
  };
  const minuteMs = 60_000;
  let shedTotal = 0;
  let shedAtLastMinute = 0;
  /** Closes the current minute: its requests' figures and a sample of every server. */
  const closeMinute = async () => {
    const now = await sampler.take();
    const lat = bucket.map((x) => x.ms).sort((a, b) => a - b);
    const secs = (now.at - last.at) / 1000;
    const cpu = (k: keyof Sample["cpu"]) => (100 * (now.cpu[k] - last.cpu[k])) / secs;
    rows.push({
      minute: rows.length + 1,
      requests: bucket.length,
      errors: bucket.filter((x) => !x.ok).length,
      shed: traffic.shed - shedAtLastMinute,
      rps: bucket.length / secs,
      p50: percentile(lat, 0.5),
      p99: percentile(lat, 0.99),
      hubRssMb: now.rss.hub / 2 ** 20,
      workerRssMb: now.rss.worker / 2 ** 20,
      dbMb: now.dbBytes / 2 ** 20,
      redisMb: now.redisUsedMemory / 2 ** 20,
      open: now.openDeliveries,
      dead: now.deadDeliveries,
      partitions: now.partitions.length,
      dropped: sampler.dropped.size,
      cpu: { hub: cpu("hub"), worker: cpu("worker"), pg: cpu("pg"), redis: cpu("redis") },
      load: loadavg()[0] ?? 0,
      tables: (await sampler.largestTables(6)).map((t) => ({ table: t.table, mb: t.bytes / 2 ** 20 })),
    });
    shedAtLastMinute = traffic.shed;
    const r = rows.at(-1) as MinuteRow;
    log(
      `minute ${r.minute}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, hub ${r.hubRssMb.toFixed(0)} MB, worker ${r.workerRssMb.toFixed(0)} MB, db ${r.dbMb.toFixed(0)} MB, redis ${r.redisMb.toFixed(1)} MB, open ${r.open}, dead ${r.dead}, partitions ${r.partitions} (${r.dropped} dropped so far), load ${r.load.toFixed(1)}; tables ${r.tables.map((t) => `${t.table} ${t.mb.toFixed(1)}`).join(", ")}`,
    );
    bucket = [];
    last = now;
  };
  log(
    `soak: ${MINUTES} minutes at ${rate.toFixed(0)} req/s; receiver ${world.downablePlatId} down from minute ${DOWN_FROM} for ${DOWN_MINUTES}`,
  );
  const run = await traffic.openLoop({
    rate: () => rate,
    seconds: MINUTES * 60,
    tick: async (elapsed) => {
      if (downAt === undefined && elapsed >= DOWN_FROM * minuteMs) {
        downAt = elapsed / minuteMs;
        void world.downable.down();
        log(`receiver ${world.downablePlatId} down`);
      }
      if (upAt === undefined && elapsed >= (DOWN_FROM + DOWN_MINUTES) * minuteMs) {
        upAt = elapsed / minuteMs;
        replayWatch = (async () => {
          await world.downable.up();
          const r = await replayDead();
          replays.push({ at: elapsed / minuteMs, ...r });
          log(`receiver ${world.downablePlatId} up; replayed ${r.replayed} dead deliveries (admin API)`);
        })();
      }
      if (elapsed >= (rows.length + 1) * minuteMs) await closeMinute();
    },
  });
  shedTotal = run.shed;
  // The last minute ends with the loop, a few ms short of its tick.
  if (rows.length < MINUTES) await closeMinute();
  const soakEnd = await sampler.take();
  const soakRequests = rows.reduce((n, r) => n + r.requests - r.errors, 0);
  const soakCost = perRequest(soakStart, soakEnd, soakRequests, idle);
  traffic.onDone = () => {};
  await replayWatch;

  // 4. The end: every delivery made (dead ones replayed once more), then what reached whom.
  log("soak: load stopped; waiting for open deliveries, then replaying what is dead");
  await waitDrained(300_000);
  const finalReplay = await replayDead();
  replays.push({ at: MINUTES, ...finalReplay });
  await waitDrained(300_000);
  // A dead delivery whose replay failed is replayed again later: count each once.
  const allReplayedIds = [...new Set(replays.flatMap((r) => r.ids))];
  const replayedStatus = allReplayedIds.length
    ? await sampler.sql`select status, count(*)::int as n from deliveries where id = any(${allReplayedIds}) group by status`
    : [];
  const replayedDelivered = replayedStatus.find((r) => r.status === "delivered")?.n ?? 0;
  const replayedGone = allReplayedIds.length - replayedStatus.reduce((n, r) => n + Number(r.n), 0);
  let reportsLost = 0;
  let deliveriesMissing = 0;
  let reports1 = 0;
  let reports10 = 0;
  for (const [seq, group] of traffic.accepted) {
    const receivers = group === "r1" ? [world.one] : world.ten;
    if (group === "r1") reports1 += 1;
    else reports10 += 1;
    const missing = receivers.filter((r) => !r.seen.has(seq)).length;
    deliveriesMissing += missing;
    if (missing > 0) reportsLost += 1;
  }
  const footprint = {
    status_reports: await sampler.tableFootprint("status_reports"),
    deliveries: await sampler.tableFootprint("deliveries"),
    delivery_attempts: await sampler.tableFootprint("delivery_attempts"),
  };
  const largest = await sampler.largestTables();
  const final = await sampler.take();
  const loadAfter = loadavg()[0] ?? 0;

  /** What both verdict tables judge, in their order. */
  const VERDICT_MEASURES: [string, (r: MinuteRow) => number][] = [
    ["p99 latency, ms", (r) => r.p99],
    ["hub RSS, MB", (r) => r.hubRssMb],
    ["worker RSS, MB", (r) => r.workerRssMb],
    ["PostgreSQL database size, MB", (r) => r.dbMb],
  ];
  const median = (xs: number[]) =>
    xs.length ? ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN) : Number.NaN;
  // Verdicts: the last 10 minutes against the 5 before them.
  const flat = (name: string, pick: (r: MinuteRow) => number) => {
    const tail = rows.slice(-10).map(pick);
    const before = rows.slice(Math.max(0, rows.length - 15), Math.max(0, rows.length - 10)).map(pick);
    const ref = median(before);
    const hi = Math.max(...tail);
    const lo = Math.min(...tail);
    if (!(ref > 0))
      return `| ${name} | n/a (a run of 15 minutes or more) | ${lo.toFixed(1)} – ${hi.toFixed(1)} | | n/a |`;
    const ok = hi <= ref * 1.2 && lo >= ref * 0.8;
    return `| ${name} | ${ref.toFixed(1)} | ${lo.toFixed(1)} – ${hi.toFixed(1)} | ${(hi / ref).toFixed(2)} | ${ok ? "flat" : "**not flat**"} |`;
  };

  /**
   * Steady state after against steady state before: the last 5 minutes' median against the median
   * of the 5 minutes before the receiver went down (after the first minutes' warm-up), within 20 %.
   * The strict table above counts the outage and the replay, which the run puts in its last 10
   * minutes by design; this one asks whether the hub came back to where it was.
   */
  const recovered = (name: string, pick: (r: MinuteRow) => number) => {
    const before = rows.filter((r) => r.minute <= DOWN_FROM && r.minute > DOWN_FROM - 5).map(pick);
    const after = rows.slice(-5).map(pick);
    const ref = median(before);
    const now = median(after);
    if (!(ref > 0) || rows.length < 15) return `| ${name} | n/a (a run of 15 minutes or more) | | | n/a |`;
    const ok = now <= ref * 1.2 && now >= ref * 0.8;
    return `| ${name} | ${ref.toFixed(1)} | ${now.toFixed(1)} | ${(now / ref).toFixed(2)} | ${ok ? "back" : "**not back**"} |`;
  };

  /** Least-squares slope over the last 5 minutes, per minute: whether a measure still grows once the outage is over. */
  const trend = (name: string, unit: string, pick: (r: MinuteRow) => number) => {
    const ys = rows.slice(-5).map(pick);
    const n = ys.length;
    if (n < 3) return `${name}: n/a`;
    const meanX = (n - 1) / 2;
    const meanY = ys.reduce((a, b) => a + b, 0) / n;
    let num = 0;
    let den = 0;
    ys.forEach((y, x) => {
      num += (x - meanX) * (y - meanY);
      den += (x - meanX) ** 2;
    });
    const slope = num / den;
    return `${name} ${ys[0]?.toFixed(1)} → ${ys.at(-1)?.toFixed(1)} ${unit}, slope ${slope >= 0 ? "+" : ""}${slope.toFixed(2)} ${unit}/min (${((100 * slope) / meanY).toFixed(1)} % of its mean per minute)`;
  };
  const f0 = (n: number) => n.toFixed(0);
  const f1 = (n: number) => n.toFixed(1);
  const costRow = (name: string, c: Cost) =>
    `| ${name} | ${f0(c.hubCpuUs)} | ${f0(c.workerCpuUs)} | ${f0(c.pgCpuUs)} | ${f0(c.redisCpuUs)} | ${f0(c.walBytes)} | ${f1(c.redisCommands)} |`;
  const perRow = (t: { bytes: number; rows: number }) => (t.rows > 0 ? t.bytes / t.rows : Number.NaN);
  const deliveriesPerRequest = mixShare("r1") + 10 * mixShare("r10");
  const section = [
    "## Soak (`pnpm bench:soak`)",
    "",
    `Command: \`npx -y pnpm@12.4.2 bench:soak\` (root; \`SOAK_MINUTES\`, \`SOAK_PEAK_SECONDS\`, \`SOAK_COST_SECONDS\`, \`SOAK_CONCURRENCY\`, \`SOAK_DOC=-\`). Run ${started.toISOString()}, ${MINUTES} minutes, Node ${process.version}, ${cpus().length} CPUs shared by the load generator, the simulators, the hub, the worker, PostgreSQL and Redis (load average ${f1(loadBefore)} before, ${f1(loadAfter)} after; per minute in the table).`,
    "",
    `- Hub and worker as production runs them: \`node apps/hub/dist/main.js\` and \`node apps/worker/dist/main.js\`, configured by environment only (REDIS_URL: the hub hands deliveries to BullMQ, the worker makes them; HUB_DELIVERY_BACKOFF=${common.HUB_DELIVERY_BACKOFF}; HUB_RATE_LIMIT=off; ${"HUB_DELIVERY_BREAKER_THRESHOLD" in common ? "HUB_DELIVERY_BREAKER_THRESHOLD=1000000, the breaker off, so that the receiver that is down spends its deliveries' attempts and they go dead" : "the default circuit breaker"}).`,
    `- PostgreSQL: ${pg.description}. Redis: a redis-server of its own (no persistence), queue prefix \`soak\`. Both private so that their CPU (/proc, including exited backends via the postmaster's cutime), \`pg_database_size\` and \`INFO\` count the soak alone.`,
    `- Retention shortened: HUB_PARTITION_INTERVAL=${RETENTION.HUB_PARTITION_INTERVAL}, HUB_RETENTION_REPORTS=${RETENTION.HUB_RETENTION_REPORTS}, HUB_RETENTION_DELIVERIES=${RETENTION.HUB_RETENTION_DELIVERIES}, HUB_RETENTION_OPS=${RETENTION.HUB_RETENTION_OPS}, HUB_RETENTION_INTERVAL=${common.HUB_RETENTION_INTERVAL}.`,
    `- Mix by count: ${f0(100 * mixShare("op"))} % devices/op (app platform → hub → device-cloud sim), ${f0(100 * mixShare("r1"))} % reports to 1 subscriber, ${f0(100 * mixShare("r10"))} % reports to 10 subscribers (sim → hub → worker → receivers): ${deliveriesPerRequest.toFixed(2)} deliveries per request. Subscriber SOAK-SUB10-1 answers 503 to 10 % of requests at random; ${world.downablePlatId} is down (port closed) from minute ${f1(downAt ?? DOWN_FROM)} to ${f1(upAt ?? DOWN_FROM + DOWN_MINUTES)}, then its dead deliveries are replayed through \`POST /admin/v1/deliveries/replay\`.`,
    `- Peak, measured first: a closed loop of ${CONCURRENCY} callers for ${PEAK_SECONDS} s: ${f0(peak.ingestRps)} req/s answered by the hub (p50 ${f1(peak.p50)} ms, p99 ${f1(peak.p99)} ms); with the ${f0(peak.drainSeconds)} s the worker then needed to make every delivery, ${f0(peak.sustainedRps)} req/s sustained. **Soak rate: half of that, ${f0(rate)} req/s** (open loop: requests go out on schedule; beyond 1024 waiting, one is shed and counted).`,
    "",
    "![soak](img/soak.svg)",
    "",
    "| minute | req/s | errors | shed | p50 ms | p99 ms | hub RSS MB | worker RSS MB | PG database MB | Redis used_memory MB | open deliveries | dead | partitions (dropped so far) | CPU % hub / worker / PG / Redis | load avg |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.minute} | ${f0(r.rps)} | ${r.errors} | ${r.shed} | ${f1(r.p50)} | ${f1(r.p99)} | ${f0(r.hubRssMb)} | ${f0(r.workerRssMb)} | ${f1(r.dbMb)} | ${f1(r.redisMb)} | ${r.open} | ${r.dead} | ${r.partitions} (${r.dropped}) | ${f0(r.cpu.hub)} / ${f0(r.cpu.worker)} / ${f0(r.cpu.pg)} / ${f0(r.cpu.redis)} | ${f1(r.load)} |`,
    ),
    "",
    "**End of run.**",
    "",
    `- Reports accepted: ${reports1} to 1 subscriber, ${reports10} to 10 (over the whole run: peak and cost phases too). **Reports lost: ${reportsLost}** (a report is lost if any of its subscribers' receivers never recorded its \`seq\`; deliveries missing: ${deliveriesMissing}). Duplicates recorded by receivers: ${[world.one, ...world.ten].reduce((n, r) => n + r.duplicates, 0)}; 503s answered on purpose by the flaky one: ${world.flaky.failedOnPurpose}.`,
    `- Replays through the admin API (\`POST /admin/v1/deliveries/replay\` per subscriber, which restarts dead and failed ones): ${replays.map((r) => `at minute ${f1(r.at)} ${r.ids.length} dead (${r.replayed} replayed in all)`).join(", ")}; of the ${allReplayedIds.length} dead deliveries replayed, ${replayedDelivered} delivered${replayedGone > 0 ? `, ${replayedGone} no longer in the table (delivered and then dropped with their partition)` : ""}, ${allReplayedIds.length - replayedDelivered - replayedGone} other.`,
    `- Replay calls that failed (each tried again, up to 10 times): ${replayFailures.length}${replayFailures.length ? ` — ${replayFailures.slice(0, 3).join("; ")}` : ""}.`,
    `- Partitions dropped by the retention job during the run: ${sampler.dropped.size} (of ${sampler.seen.size} seen); open deliveries at the end ${final.openDeliveries}, dead ${final.deadDeliveries}. Requests shed by the open loop: ${shedTotal}; errors: ${rows.reduce((n, r) => n + r.errors, 0)}.`,
    "",
    "Flat over the last 10 minutes? Each of the last 10 minutes against the median of the 5 minutes before them (within 20 %):",
    "",
    "| measure | reference (median of the 5 minutes before) | range, last 10 minutes | max ÷ reference | verdict |",
    "|---|---|---|---|---|",
    ...VERDICT_MEASURES.map(([name, pick]) => flat(name, pick)),
    "",
    "Back to the level before the outage? The median of the last 5 minutes against the median of the 5 minutes before the receiver went down (within 20 %):",
    "",
    "| measure | before the outage | last 5 minutes | ratio | verdict |",
    "|---|---|---|---|---|",
    ...VERDICT_MEASURES.map(([name, pick]) => recovered(name, pick)),
    "",
    `The receiver that was down comes back at minute ${f1(upAt ?? DOWN_FROM + DOWN_MINUTES)} and its dead deliveries are replayed then, inside the last 10 minutes by the run's design: that minute's burst (the replayed rows written again, the worker making them) is in the ranges above. Still growing at the end? Over the last 5 minutes: ${trend("database size", "MB", (r) => r.dbMb)}; ${trend("hub RSS", "MB", (r) => r.hubRssMb)}; ${trend("worker RSS", "MB", (r) => r.workerRssMb)}; ${trend("p99", "ms", (r) => r.p99)}.`,
    "",
    `Largest tables at the end (MB, partitions summed): ${largest.map((t) => `${t.table} ${f1(t.bytes / 2 ** 20)}`).join(", ")}.`,
    "",
    `**Costs**, measured before the soak in phases of ${COST_SECONDS} s of one kind alone (ops and reports to 1 at ${f0(rate)}/s, reports to 10 at ${f0(rate / 4)}/s), each until its deliveries were all made, minus what the processes use idle (measured for 15 s: hub ${f0(idle.hubCpuUs / 1e4)} %, worker ${f0(idle.workerCpuUs / 1e4)} %, PostgreSQL ${f0(idle.pgCpuUs / 1e4)} % of a CPU). CPU from /proc (user + system, 10 ms ticks) of each process tree; PostgreSQL's is every backend, autovacuum and background process of its own cluster (pg_stat_statements is not loaded: CPU is from /proc). WAL from \`pg_current_wal_lsn()\`; Redis commands from \`INFO stats\` total_commands_processed. Per delivery and per report's ingest from the two report phases: delivery = (cost of a report to 10 − to 1) ÷ 9.`,
    "",
    "| per | hub CPU µs | worker CPU µs | PostgreSQL CPU µs | Redis CPU µs | WAL bytes | Redis commands |",
    "|---|---|---|---|---|---|---|",
    costRow("op (devices/op)", opCost.cost),
    costRow("report to 1 subscriber", r1Cost.cost),
    costRow("report to 10 subscribers", r10Cost.cost),
    costRow("→ a report's ingest", split.ingest),
    costRow("→ one delivery", split.delivery),
    costRow(`the soak's mix, whole ${MINUTES} minutes (per request)`, soakCost),
    "",
    "The last row is the soak itself, start to end: everything the mix cost over the run (checkpoints' full-page writes, autovacuum, the retention job, the outage's retries) per request sent; the phases above are short and may miss a checkpoint, so their WAL is a lower bound.",
    "",
    `Disk per row (heap + indexes, all partitions, at the end): status_reports ${f0(perRow(footprint.status_reports))} B (${footprint.status_reports.rows} rows), deliveries ${f0(perRow(footprint.deliveries))} B (${footprint.deliveries.rows}), delivery_attempts ${f0(perRow(footprint.delivery_attempts))} B (${footprint.delivery_attempts.rows}). Redis used_memory at the end ${f1(final.redisUsedMemory / 2 ** 20)} MB (${f1(soakStart.redisUsedMemory / 2 ** 20)} MB at the soak's start). Over the soak itself: ${f0((soakEnd.walBytes - soakStart.walBytes) / 2 ** 20)} MB of WAL, ${f0(soakEnd.redisCommands - soakStart.redisCommands)} Redis commands.`,
    "",
  ].join("\n");
  process.stdout.write(`\n${section}\n`);

  mkdirSync(dirname(SVG), { recursive: true });
  writeFileSync(
    SVG,
    soakSvg(
      `Yunlian soak, ${MINUTES} min at ${f0(rate)} req/s (half of the measured peak), ${started.toISOString().slice(0, 10)}`,
      [
        {
          title: "Requests",
          unit: "req/s",
          lines: [{ name: "req/s", color: "#1f77b4", values: rows.map((r) => r.rps) }],
        },
        {
          title: "Latency",
          unit: "ms",
          lines: [
            { name: "p50", color: "#2ca02c", values: rows.map((r) => r.p50) },
            { name: "p99", color: "#d62728", values: rows.map((r) => r.p99) },
          ],
        },
        {
          title: "RSS",
          unit: "MB",
          lines: [
            { name: "hub", color: "#1f77b4", values: rows.map((r) => r.hubRssMb) },
            { name: "worker", color: "#ff7f0e", values: rows.map((r) => r.workerRssMb) },
          ],
        },
        {
          title: "PostgreSQL database",
          unit: "MB",
          lines: [{ name: "size", color: "#9467bd", values: rows.map((r) => r.dbMb) }],
        },
        {
          title: "Redis used_memory",
          unit: "MB",
          lines: [{ name: "redis", color: "#8c564b", values: rows.map((r) => r.redisMb) }],
        },
        {
          title: "Deliveries",
          unit: "rows",
          lines: [
            { name: "open", color: "#e377c2", values: rows.map((r) => r.open) },
            { name: "dead", color: "#7f7f7f", values: rows.map((r) => r.dead) },
          ],
        },
      ],
      rows.length,
      [DOWN_FROM, DOWN_FROM + DOWN_MINUTES],
    ),
  );
  log(`plot written to ${SVG}`);
  if (DOC !== "-") replaceSection(DOC, section);

  await traffic.close();
  await world.close();
  await sampler.close();
  await worker.stop();
  await hub.stop();
  await redis.stop();
  await pg.stop();
}

/** Replaces (or appends) this bench's `## ` section of docs/benchmarks.md. */
function replaceSection(file: string, section: string): void {
  const heading = section.slice(0, section.indexOf("\n"));
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n\n";
  const start = current.indexOf(`${heading}\n`);
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const end = current.indexOf("\n## ", start + heading.length);
    next = current.slice(0, start) + section + (end < 0 ? "" : current.slice(end + 1));
  }
  writeFileSync(file, `${next.trimEnd()}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
