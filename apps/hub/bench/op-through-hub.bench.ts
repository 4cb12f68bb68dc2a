/**
 * `pnpm bench` (apps/hub): devices/op through the hub to a device-cloud sim, against a bare
 * node:http + undici forwarder in front of the same sim, same run, same concurrency, by server CPU
 * per request and by bytes allocated per request (allocation.ts), in a closed loop and then both at
 * one fixed rate (equal load). Then the hub again with 100,000 registered platforms/manufacturer
 * codes instead of 10.
 * Needs PostgreSQL (TEST_DATABASE_URL or the local server). Knobs: BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONCURRENCY,
 * BENCH_QUICK=1 (the 10-platform comparison only, docs left alone: for profiling loops),
 * BENCH_TRACKING_ONLY=1 (only the op-tracking comparison, HUB_OP_TRACKING on vs off, and its docs section),
 * HUB_PROCESS_NODE_ARGS / FORWARDER_NODE_ARGS (extra node flags, e.g. --cpu-prof, for either server),
 * BENCH_HUB_SETTINGS (the hub's own settings, e.g. "HUB_OP_TRACKING=off"),
 * BENCH_PERF=1 (Linux perf installed: one more round of each server under `perf record`, and where
 * their CPU goes, by kind of work and by module, printed side by side; see cpu-breakdown.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@yunlian/db/testing";
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { keyringFromHex, newAppSecret } from "@yunlian/secrets";
import { startDeviceCloud } from "@yunlian/vendor-sim";
import postgres from "postgres";
import { adminClient, platformClient } from "../test/support/client.ts";
import { freePort } from "../test/support/harness.ts";
import { startHubProcess } from "../test/support/hub-process.ts";
import { allocatedPerRequest } from "./allocation.ts";
import {
  type Breakdown,
  breakdown,
  compareBreakdowns,
  perfAvailable,
  readRecording,
  recordCpu,
} from "./cpu-breakdown.ts";
import { describe, type LoadResult, runLoad, runLoadAtRate } from "./load.ts";
import { cpuSecondsOfTree, parentPid, pinServer, placeBench } from "./processes.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** HUB_OP_CONFIRM_TIMEOUT of the tracking comparison's hub: its sweeps fall inside the run. */
const CONFIRM_TIMEOUT_S = 5;
/** Until every op sent so far has timed out: the timeout, one sweep interval (a quarter of it), and a margin. */
const SWEEPS_DONE_MS = CONFIRM_TIMEOUT_S * 1000 * 1.25 + 1000;
// Before any server starts: the servers are re-pinned from here (see placeBench).
const placement = placeBench();
// A multi-process server is only worth measuring where its processes get CPUs of their own.
const PROCESSES = placement.pinned ? placement.serverCpuCount : 1;
const SECRET_KEY = "22".repeat(32);
const ADMIN = "bench-admin-token-0123456789-abcdef";
const here = dirname(fileURLToPath(import.meta.url));
/** BENCH_PERF=1: the servers name their JavaScript for perf (cpu-breakdown.ts), which samples one extra round of each. */
const PERF = process.env.BENCH_PERF === "1";
if (PERF && !perfAvailable()) throw new Error("BENCH_PERF=1 needs Linux perf (package linux-perf)");
const PERF_NODE_ARGS = PERF ? ["--perf-basic-prof"] : [];

async function verifyServer(): Promise<{ url: string; close(): void }> {
  const port = await freePort();
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"RetCode":"200","RetInfo":"ok"}');
  }).listen(port, "127.0.0.1");
  return { url: `http://127.0.0.1:${port}/verify`, close: () => server.close() };
}

async function startForwarder(
  target: string,
  token: string,
  processes = 1,
  extraNodeArgs: readonly string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/fwd", as HUB_PROCESS_NODE_ARGS does for the hub.
      ...(process.env.FORWARDER_NODE_ARGS ?? "").split(" ").filter(Boolean),
      ...extraNodeArgs,
      // Compiled like the hub (tsconfig.bench.json), so both sides run tsc's JavaScript.
      join(here, "dist", "forwarder.js"),
      String(port),
      target,
      token,
      "BENCH-FWD",
      String(processes),
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve) => child.stdout?.once("data", () => resolve()));
  return { url: `http://127.0.0.1:${port}`, child };
}

/** runLoad plus the CPU the server process spent per request: the figure machine noise moves least. */
async function measured(
  server: ChildProcess,
  opts: Parameters<typeof runLoad>[0] | Parameters<typeof runLoadAtRate>[0],
): Promise<LoadResult> {
  const before = cpuSecondsOfTree(server.pid);
  const result = await ("rate" in opts ? runLoadAtRate(opts) : runLoad(opts));
  const after = cpuSecondsOfTree(server.pid);
  if (before !== undefined && after !== undefined)
    result.cpuMicrosPerRequest = ((after - before) * 1e6) / result.requests;
  return result;
}

async function main() {
  const database = await createTestDatabase();
  const verify = await verifyServer();
  const simPort = await freePort();
  const sim = await startDeviceCloud({
    platId: "BENCH-VENDOR",
    manufacturerCode: "000006",
    port: simPort,
    verifyUrl: verify.url,
    recordCalls: false,
  });
  // Two washers (the sim alternates washer / air conditioner): the op sets a washer attribute.
  const [hubDevice, fwdDevice] = [...sim.devices.keys()].filter((id) => id.slice(8, 13) === "02002");
  if (!hubDevice || !fwdDevice) throw new Error("sim devices");
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    HUB_ADMIN_TOKEN: ADMIN,
    HUB_SECRET_KEY: SECRET_KEY,
    HUB_ALLOW_PRIVATE_URLS: "1",
    // The bench measures forwarding, not the per-platform rate limit.
    HUB_RATE_LIMIT: "off",
    // e.g. BENCH_HUB_SETTINGS="HUB_OP_TRACKING=off": the hub's own settings, as a user would set them.
    ...hubSettings(process.env.BENCH_HUB_SETTINGS),
  };
  let hub = await startHubProcess(env, PERF_NODE_ARGS);
  pinServer(placement, hub.child.pid);

  // 10 registered platforms: the app platform, the vendor, and 8 more vendors.
  const admin = adminClient(hub.url, ADMIN);
  const app = await admin.post("/admin/v1/platforms", {
    platId: "BENCH-APP",
    name: "bench app",
    verifyUrl: verify.url,
    security: { mode: "none" },
  });
  await admin.post("/admin/v1/platforms", {
    platId: "BENCH-VENDOR",
    name: "bench vendor",
    manufacturerCodes: ["000006"],
    apiBaseUrl: `${sim.url}`,
    security: { mode: "none" },
  });
  for (let i = 0; i < 8; i++) {
    await admin.post("/admin/v1/platforms", {
      platId: `FILLER-${i}`,
      name: "filler",
      manufacturerCodes: [String(100000 + i)],
      apiBaseUrl: "http://127.0.0.1:9/v1",
      security: { mode: "none" },
    });
  }
  const call = platformClient(hub.url, { platId: "BENCH-APP", appId: String(app.body.appId) });
  const login = await call("user/login", { User: [{ UserBase: { loginID: "bench" } }], AuthToken: "t" });
  const userId = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
  const token = login.headers.accesstoken ?? "";
  const bind = await call("user/bindDevices", {
    UserID: userId,
    Device: [{ DeviceInfo: { deviceID: hubDevice } }],
  });
  if ((bind.body.FailedIDs as string[]).length > 0) throw new Error(`bind: ${JSON.stringify(bind.body)}`);

  // The forwarder's own user at the sim, logged in directly.
  const simCall = platformClient(sim.url.replace(/\/v1$/, ""), { platId: "BENCH-FWD" });
  const simLogin = await simCall("user/login", { User: [{ UserBase: { loginID: "fwd" } }], AuthToken: "t" });
  const simUser = (simLogin.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
  const simToken = simLogin.headers.accesstoken ?? "";
  await simCall(
    "user/bindDevices",
    { UserID: simUser, Device: [{ DeviceInfo: { deviceID: fwdDevice } }] },
    { AccessToken: simToken },
  );
  const forwarder = await startForwarder(new URL(sim.url).origin, simToken, 1, PERF_NODE_ARGS);
  pinServer(placement, forwarder.child.pid);

  const opBody = (user: string, device: string) =>
    JSON.stringify({
      UserID: user,
      Device: [{ DeviceInfo: { deviceID: device }, DeviceAttr: { laundryCycle: "3" } }],
    });
  /** A closed loop of CONCURRENCY callers, or an open loop at `rate` requests a second. */
  const throughHub = (seconds: number, at: { child: ChildProcess; url: string } = hub, rate?: number) =>
    measured(at.child, {
      url: at.url,
      path: "/v1/devices/op",
      headers: {
        "content-type": "application/json",
        PlatID: "BENCH-APP",
        AppID: String(app.body.appId),
        AccessToken: token,
      },
      body: opBody(userId, hubDevice),
      seconds,
      ...(rate === undefined ? { concurrency: CONCURRENCY } : { rate }),
    });
  let forwarderNow = forwarder;
  const throughForwarder = (
    seconds: number,
    at: { child: ChildProcess; url: string } = forwarderNow,
    rate?: number,
  ) =>
    measured(at.child, {
      url: at.url,
      path: "/v1/devices/op",
      headers: { "content-type": "application/json" },
      body: opBody(simUser, fwdDevice),
      seconds,
      ...(rate === undefined ? { concurrency: CONCURRENCY } : { rate }),
    });

  const lines: string[] = [];
  const print = (name: string, r: LoadResult) => {
    const line = describe(name, r);
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  /**
   * ROUNDS pairs of (hub, forwarder) measurements back to back, after a warm-up of both. The
   * machine's speed drifts over a run (the forwarder alone moves by a third), so each hub figure
   * is compared with the forwarder measured right after it, and the ratio is the median of the
   * rounds rather than one comparison.
   */
  const compare = async (label: string, forwarderLabel: string) => {
    await throughHub(3);
    await throughForwarder(2);
    const rounds: { hub: LoadResult; fwd: LoadResult }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const pair = { hub: await throughHub(SECONDS), fwd: await throughForwarder(SECONDS) };
      print(`${label}, round ${round}`, pair.hub);
      print(`${forwarderLabel}, round ${round}`, pair.fwd);
      rounds.push(pair);
    }
    return rounds;
  };
  /**
   * The same pair at one fixed rate (open loop) both serve without saturating: 60 % of the hub's
   * slowest closed-loop rate above. A server's CPU per request depends on its load — at a higher
   * rate each wake-up serves more requests, so fixed costs (epoll, the event loop's turn, timers)
   * are shared by more of them — and in the closed loop the forwarder runs at a higher rate than
   * the hub. Here both do the same work at the same load, so the ratio compares only what each
   * does per request. Printed beside the closed-loop ratio, never instead of it.
   */
  const compareAtEqualLoad = async (
    closedLoop: { hub: LoadResult; fwd: LoadResult }[],
    label: string,
    forwarderLabel: string,
  ) => {
    const rate = Math.round(0.6 * Math.min(...closedLoop.map((r) => r.hub.rps)));
    const rounds: { hub: LoadResult; fwd: LoadResult }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const pair = {
        hub: await throughHub(SECONDS, hub, rate),
        fwd: await throughForwarder(SECONDS, forwarderNow, rate),
      };
      print(`${label}, ${rate}/s, round ${round}`, pair.hub);
      print(`${forwarderLabel}, ${rate}/s, round ${round}`, pair.fwd);
      rounds.push(pair);
    }
    return { rate, rounds };
  };
  /**
   * BENCH_PERF=1: one more round of the hub, then of the forwarder, each sampled by perf from its
   * second second to one before its end, and each sample's share of the round's measured CPU per
   * request charged to its kind of work and module. Not part of any ratio: perf's sampling costs
   * the servers a little CPU of its own (mostly kernel time).
   */
  const profilePair = async (label: string): Promise<{ label: string; hub: Breakdown; fwd: Breakdown }> => {
    const profiled = async (pid: number | undefined, round: () => Promise<LoadResult>) => {
      if (pid === undefined) throw new Error("BENCH_PERF=1: a server without a pid");
      const file = join(tmpdir(), `op-bench-${pid}.perf.data`);
      try {
        const result = round();
        await sleep(1000);
        await recordCpu(pid, Math.max(1, SECONDS - 2), file);
        const { cpuMicrosPerRequest } = await result;
        return breakdown(readRecording(file), cpuMicrosPerRequest ?? Number.NaN);
      } finally {
        // Megabytes each, and perf keeps the one it overwrites as `.old`: nothing is left behind.
        rmSync(file, { force: true });
      }
    };
    return {
      label,
      hub: await profiled(hub.child.pid, () => throughHub(SECONDS)),
      fwd: await profiled(forwarderNow.child.pid, () => throughForwarder(SECONDS)),
    };
  };
  const breakdowns: { label: string; hub: Breakdown; fwd: Breakdown }[] = [];
  process.stdout.write(`concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${SECONDS} s per measurement\n`);

  /**
   * Op tracking's cost (docs/design.md §7, at most +10 % hub CPU per op): the hub above (tracking
   * on, HUB_OP_TRACKING's default) against a second hub process on the same database with
   * HUB_OP_TRACKING=off, measured in alternating rounds like the forwarder comparison. No report
   * confirms these ops, so every one is also timed out by the sweeper (HUB_OP_CONFIRM_TIMEOUT=5s
   * here, so that the sweeps fall inside the measured rounds and are paid for in the figures).
   */
  const trackingComparison = async () => {
    await hub.stop();
    hub = await startHubProcess({ ...env, HUB_OP_CONFIRM_TIMEOUT: `${CONFIRM_TIMEOUT_S}s` });
    pinServer(placement, hub.child.pid);
    const untracked = await startHubProcess({ ...env, HUB_OP_TRACKING: "off" });
    pinServer(placement, untracked.child.pid);
    const trackingLines: string[] = [];
    const note = (name: string, r: LoadResult) => {
      const line = describe(name, r);
      trackingLines.push(line);
      process.stdout.write(`${line}\n`);
    };
    await throughHub(3);
    await throughHub(3, untracked);
    // The warm-up's ops time out first, so that the whole-run figure below pays for exactly the
    // measured ops' sweeps.
    await sleep(SWEEPS_DONE_MS);
    const postmaster = await postmasterOf(database.url);
    const wholeRun = {
      on: cpuSecondsOfTree(hub.child.pid),
      off: cpuSecondsOfTree(untracked.child.pid),
      database: cpuSecondsOfTree(postmaster),
    };
    const rounds: { on: LoadResult; off: LoadResult }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const pair = { on: await throughHub(SECONDS), off: await throughHub(SECONDS, untracked) };
      note(`hub, op tracking on, round ${round}`, pair.on);
      note(`hub, HUB_OP_TRACKING=off, round ${round}`, pair.off);
      rounds.push(pair);
    }
    // The same work at the same load: both at a fixed rate that neither is saturated by (60 % of
    // the slower one's closed-loop rate), so the CPU per op differs only by what tracking does.
    const rate = Math.round(0.6 * Math.min(...rounds.map((r) => Math.min(r.on.rps, r.off.rps))));
    const fixed: { on: LoadResult; off: LoadResult }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const pair = {
        on: await throughHub(SECONDS, hub, rate),
        off: await throughHub(SECONDS, untracked, rate),
      };
      note(`hub, op tracking on, ${rate}/s, round ${round}`, pair.on);
      note(`hub, HUB_OP_TRACKING=off, ${rate}/s, round ${round}`, pair.off);
      fixed.push(pair);
    }
    // A round's ops time out after it ended, during the other hub's round, where no per-round
    // figure sees the sweep: the whole run (every round, then until the last ops have timed out)
    // counts it. Both hubs are measured over the same span, idle time included.
    await sleep(SWEEPS_DONE_MS);
    const requestsOf = (side: "on" | "off") =>
      [...rounds, ...fixed].reduce((n, r) => n + r[side].requests + r[side].errors, 0);
    const wholeRunMicros = (side: "on" | "off", now: number | undefined) =>
      (((now ?? Number.NaN) - (wholeRun[side] ?? Number.NaN)) * 1e6) / requestsOf(side);
    const onWhole = wholeRunMicros("on", cpuSecondsOfTree(hub.child.pid));
    const offWhole = wholeRunMicros("off", cpuSecondsOfTree(untracked.child.pid));
    // The untracked hub asks the database nothing per op: what PostgreSQL spent is tracking's.
    const databaseMicros =
      (((cpuSecondsOfTree(postmaster) ?? Number.NaN) - (wholeRun.database ?? Number.NaN)) * 1e6) /
      requestsOf("on");
    await untracked.stop();
    const cpuRatio = (r: { on: LoadResult; off: LoadResult }) =>
      (r.on.cpuMicrosPerRequest ?? Number.NaN) / (r.off.cpuMicrosPerRequest ?? Number.NaN);
    const summary = [
      `closed loop (${CONCURRENCY} callers each):`,
      `tracking on / off, hub CPU per op:  ${medianRatio(rounds, cpuRatio)}  (target ≤ 1.10)`,
      `tracking on / off, requests/s:      ${medianRatio(rounds, (r) => r.on.rps / r.off.rps)}`,
      `tracking on / off, p50 latency:     ${medianRatio(rounds, (r) => r.on.p50 / r.off.p50)}`,
      `open loop, both at ${rate} req/s:`,
      `tracking on / off, hub CPU per op:  ${medianRatio(fixed, cpuRatio)}  (target ≤ 1.10)`,
      `tracking on / off, p50 latency:     ${medianRatio(fixed, (r) => r.on.p50 / r.off.p50)}`,
      "whole run (every round above, then until the last op timed out; sweeps included):",
      `tracking on / off, hub CPU per op:  ${(onWhole / offWhole).toFixed(2)} (on ${onWhole.toFixed(0)} µs, off ${offWhole.toFixed(0)} µs)  (target ≤ 1.10)`,
      `PostgreSQL CPU per tracked op:      ${databaseMicros.toFixed(0)} µs (every backend; both hubs ran on it)`,
    ];
    for (const line of summary) process.stdout.write(`${line}\n`);
    writeTrackingSection(trackingLines, summary);
  };
  if (process.env.BENCH_TRACKING_ONLY === "1") {
    await trackingComparison();
    await hub.stop();
    forwarder.child.kill();
    await sim.close();
    verify.close();
    await database.drop();
    return;
  }

  const single = await compare("hub, 10 platforms", "bare forwarder");
  if (PERF) breakdowns.push(await profilePair("hub (op tracking on) against the bare forwarder"));
  const singleEqual = await compareAtEqualLoad(single, "hub, 10 platforms", "bare forwarder");
  // The same without op tracking (issue 16 came after issue 13 set the CPU target): a second hub
  // process on the same database, HUB_OP_TRACKING=off, as an operator would set it.
  let untracked: typeof single | undefined;
  let untrackedEqual: typeof singleEqual | undefined;
  if (env.HUB_OP_TRACKING === undefined) {
    const tracked = hub;
    hub = await startHubProcess({ ...env, HUB_OP_TRACKING: "off" }, PERF_NODE_ARGS);
    pinServer(placement, hub.child.pid);
    untracked = await compare("hub, HUB_OP_TRACKING=off", "bare forwarder");
    if (PERF) breakdowns.push(await profilePair("hub (HUB_OP_TRACKING=off) against the bare forwarder"));
    untrackedEqual = await compareAtEqualLoad(untracked, "hub, HUB_OP_TRACKING=off", "bare forwarder");
    await hub.stop();
    hub = tracked;
  }

  // Both again with one process per CPU: the hub through HUB_HTTP_PROCESSES (which needs
  // REDIS_URL), the forwarder as as many node:cluster copies.
  let clustered: { hub: LoadResult; fwd: LoadResult }[] | undefined;
  if (PROCESSES > 1 && (await redisAvailable())) {
    await hub.stop();
    hub = await startHubProcess({
      ...env,
      REDIS_URL: TEST_REDIS_URL,
      HUB_QUEUE_PREFIX: uniquePrefix("bench"),
      HUB_HTTP_PROCESSES: String(PROCESSES),
    });
    pinServer(placement, hub.child.pid);
    forwarderNow = await startForwarder(new URL(sim.url).origin, simToken, PROCESSES);
    pinServer(placement, forwarderNow.child.pid);
    clustered = await compare(`hub, ${PROCESSES} HTTP processes`, `bare forwarder, ${PROCESSES} processes`);
    forwarderNow.child.kill();
    forwarderNow = forwarder;
  }
  /**
   * Bytes allocated per request (allocation.ts) by a fresh process with an inspector, warmed up for
   * 3 s and sampled for 5: a figure the machine's phase barely moves, unlike the CPU ratio.
   */
  const allocationOf = async (server: "hub" | "forwarder", settings: Record<string, string> = {}) => {
    const inspectorPort = await freePort();
    const inspect = [`--inspect=127.0.0.1:${inspectorPort}`];
    const started: { url: string; child: ChildProcess; stop?: () => Promise<void> } =
      server === "hub"
        ? await startHubProcess({ ...env, ...settings }, inspect)
        : await startForwarder(new URL(sim.url).origin, simToken, 1, inspect);
    pinServer(placement, started.child.pid);
    const through = (seconds: number) =>
      server === "hub" ? throughHub(seconds, started) : throughForwarder(seconds, started);
    try {
      await through(3);
      return await allocatedPerRequest(inspectorPort, async () => {
        const r = await through(5);
        return r.requests + r.errors;
      });
    } finally {
      if (started.stop) await started.stop();
      else started.child.kill();
    }
  };
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
  const allocation = [
    `hub ${kb(await allocationOf("hub"))}`,
    ...(env.HUB_OP_TRACKING === undefined
      ? [`HUB_OP_TRACKING=off ${kb(await allocationOf("hub", { HUB_OP_TRACKING: "off" }))}`]
      : []),
    `bare forwarder ${kb(await allocationOf("forwarder"))}`,
  ].join(", ");

  const cpuRatio = (r: { hub: LoadResult; fwd: LoadResult }) =>
    (r.fwd.cpuMicrosPerRequest ?? Number.NaN) / (r.hub.cpuMicrosPerRequest ?? Number.NaN);
  const ratios = [
    `hub / forwarder, 1 process each:        ${medianRatio(single, (r) => r.hub.rps / r.fwd.rps)}  (target ≥ 0.85)`,
    // The honest figure on a small machine: req/s is capped by the load generator's CPU, server CPU is not.
    `forwarder / hub CPU per request:        ${medianRatio(single, cpuRatio)}  (target ≥ 0.75)`,
    untracked
      ? `the same, HUB_OP_TRACKING=off:          ${medianRatio(untracked, cpuRatio)}  (target ≥ 0.75)`
      : "the same, HUB_OP_TRACKING=off:          not measured (the hub runs with it set already)",
    `the same, both at ${singleEqual.rate}/s (equal load):  ${medianRatio(singleEqual.rounds, cpuRatio)}`,
    ...(untrackedEqual
      ? [
          `the same, off, both at ${untrackedEqual.rate}/s:     ${medianRatio(untrackedEqual.rounds, cpuRatio)}`,
        ]
      : []),
    clustered
      ? `hub / forwarder, ${PROCESSES} processes each:       ${medianRatio(clustered, (r) => r.hub.rps / r.fwd.rps)}  (target ≥ 0.85)`
      : "hub / forwarder, several processes each: not measured (needs 3+ CPUs, one for the load generator, and Redis)",
    // Steadier than the CPU figures (see allocation.ts): changes of a few per cent show here first.
    `allocated per request (heap sampler):   ${allocation}`,
  ];

  for (const b of breakdowns) {
    const lines = [
      `where the CPU goes, ${b.label} (perf, ${b.hub.samples} and ${b.fwd.samples} samples):`,
      ...compareBreakdowns("byKind", b.hub, b.fwd),
      "by module (a sample charged to its innermost JavaScript frame):",
      ...compareBreakdowns("byModule", b.hub, b.fwd),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  if (process.env.BENCH_QUICK === "1") {
    // Development loop: the 10-platform comparisons only, docs/benchmarks.md left alone.
    for (const r of ratios) process.stdout.write(`${r}\n`);
    await hub.stop();
    forwarder.child.kill();
    await sim.close();
    verify.close();
    await database.drop();
    return;
  }

  await trackingComparison();

  // 100,000 platforms with one manufacturer code each, inserted directly, then a fresh hub process.
  await hub.stop();
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  // One ciphertext for every row: sealed in the first format (no associated data), which any row
  // may hold and the hub still reads; a v2 value is bound to one platform's row.
  const secret = legacySeal(SECRET_KEY, newAppSecret());
  const extra = 100_000 - 10;
  // With a webhookSecret, as every platform registered since migration 0005 has: rows without one
  // get theirs at the hub's first start (withWebhookSecrets), which is an upgrade's cost, not a start's.
  const webhook = legacySeal(SECRET_KEY, newAppSecret());
  await sql`insert into platforms (plat_id, name, app_id, secret_ciphertext, secret_key_id,
      webhook_secret_ciphertext, webhook_secret_key_id, security_mode, api_base_url)
    select 'BULK-' || i, 'bulk', 'BULKAPP' || i, ${secret.ciphertext}, ${secret.keyId},
      ${webhook.ciphertext}, ${webhook.keyId}, 'none', 'http://127.0.0.1:9/v1'
    from generate_series(1, ${extra}) i`;
  await sql`insert into manufacturer_codes (code, plat_id)
    select lpad((200000 + i)::text, 6, '0'), 'BULK-' || i from generate_series(1, ${extra}) i`;
  await sql.end();
  const t0 = performance.now();
  hub = await startHubProcess(env);
  const startMs = performance.now() - t0;
  pinServer(placement, hub.child.pid);
  const many = await compare("hub, 100,000 platforms", "bare forwarder");

  const summary = [
    ...ratios,
    // Routing cost: each hub figure relative to the forwarder measured right after it, 100k vs 10.
    `hub 100k / hub 10, requests/s:         ${(median(many.map((r) => r.hub.rps / r.fwd.rps)) / median(single.map((r) => r.hub.rps / r.fwd.rps))).toFixed(2)} (each relative to its forwarder; 1.00 = no slowdown)`,
    `hub 100k / hub 10, p50 latency:        ${(median(many.map((r) => r.hub.p50 / r.fwd.p50)) / median(single.map((r) => r.hub.p50 / r.fwd.p50))).toFixed(2)}  (target ≤ 1.1; each relative to its forwarder)`,
    `hub 100k / hub 10, p50 latency, raw:   ${(median(many.map((r) => r.hub.p50)) / median(single.map((r) => r.hub.p50))).toFixed(2)}`,
    `hub process start with 100k platforms: ${(startMs / 1000).toFixed(1)} s (migrate + load registry + listen)`,
  ];
  for (const line of summary) process.stdout.write(`${line}\n`);
  writeSection(lines, summary);

  await hub.stop();
  forwarder.child.kill();
  await sim.close();
  verify.close();
  await database.drop();
}

/** `NAME=value NAME2=value2` as an environment record (values without spaces). */
function hubSettings(text: string | undefined): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of (text ?? "").split(" ").filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`BENCH_HUB_SETTINGS: "${pair}" is not NAME=value`);
    settings[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return settings;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** "0.78 (0.74, 0.78, 0.81)": the median and each round's value. */
function medianRatio<T>(rounds: T[], ratio: (round: T) => number): string {
  const each = rounds.map(ratio);
  return `${median(each).toFixed(2)} (rounds ${each.map((r) => r.toFixed(2)).join(", ")})`;
}

/** The postmaster of the server behind `url`, whose process tree holds every backend. */
async function postmasterOf(url: string): Promise<number | undefined> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client<{ pid: number }[]>`select pg_backend_pid() as pid`;
    return row ? parentPid(row.pid) : undefined;
  } finally {
    await client.end();
  }
}

/** Replaces the op-tracking section of docs/benchmarks.md with the figures of this run. */
function writeTrackingSection(lines: string[], summary: string[]): void {
  replaceSection("## Hub request path: devices/op tracking (HUB_OP_TRACKING on vs off)", [
    "Command: `cd apps/hub && npx -y pnpm@12.4.2 bench` (or `BENCH_TRACKING_ONLY=1`, this section alone); needs PostgreSQL.",
    `Run ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPU(s), concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${SECONDS} s per measurement.`,
    "Two hub processes on one PostgreSQL database in front of the same device-cloud sim: one with op tracking",
    `(each op recorded once the vendor answered, group-committed beside the answer; HUB_OP_CONFIRM_TIMEOUT=${CONFIRM_TIMEOUT_S}s:`,
    "no report confirms these ops, so the sweeper times every one out), one with HUB_OP_TRACKING=off.",
    `Measured in alternating rounds, first as a closed loop of ${CONCURRENCY} callers, then both at one fixed rate`,
    "(open loop, 60 % of the slower hub's closed-loop rate: the same work at the same load); a ratio is the median",
    "over the rounds (each round's value in brackets).",
    "`server CPU` is the user + system CPU time of the hub process per request, from /proc. A round's ops time out",
    "after it, mostly during the other hub's round, so the per-round figures miss most of the sweeps; the whole-run",
    "figure is each hub's CPU from the first round to the last op's timeout, divided by its requests of all rounds.",
    "Target: at most 1.10 (tracking may add 10 % hub CPU per op). Where the cost goes, and the choice behind it: docs/adr/0010.",
    "",
    "```",
    ...lines,
    "",
    ...summary,
    "```",
    "",
  ]);
}

/** Replaces (or appends) one `## ` section of docs/benchmarks.md. */
function replaceSection(heading: string, bodyLines: string[]): void {
  const file = join(here, "..", "..", "..", "docs", "benchmarks.md");
  const body = [heading, "", ...bodyLines].join("\n");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n\n";
  const start = current.indexOf(`${heading}\n`);
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${body}`;
  else {
    const end = current.indexOf("\n## ", start + heading.length);
    next = current.slice(0, start) + body + (end < 0 ? "" : current.slice(end + 1));
  }
  writeFileSync(file, next);
}

/** Replaces this benchmark's section of docs/benchmarks.md with the figures of this run. */
function writeSection(lines: string[], summary: string[]): void {
  const file = join(here, "..", "..", "..", "docs", "benchmarks.md");
  const heading = "## Hub request path: devices/op";
  const body = [
    heading,
    "",
    "Command: `cd apps/hub && npx -y pnpm@12.4.2 bench` (needs PostgreSQL, and Redis for the multi-process part; `BENCH_SECONDS`, `BENCH_ROUNDS`, `BENCH_CONCURRENCY`).",
    `Run ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPU(s), concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${SECONDS} s per measurement.`,
    "The hub (its own process, PostgreSQL, in-memory registry and authorization cache) and a bare node:http + undici",
    "forwarder (its own process) each sit in front of the same device-cloud sim; the load generator and the sim share",
    "one process. Every figure comes from this one run; the machine is shared with PostgreSQL and the sim.",
    "Each round measures the hub and then the forwarder right after it; a ratio is the median over the rounds",
    "(each round's value in brackets), because the machine's speed drifts within a run. The multi-process part",
    "runs the hub with HUB_HTTP_PROCESSES (and REDIS_URL) and the forwarder as as many node:cluster copies.",
    "`server CPU` is the user + system CPU time of the server's processes per request, from /proc.",
    placement.pinned
      ? `Placement: the load generator and the sim on CPU 0, the server under test on CPU(s) ${placement.serverCpus} (taskset).`
      : "Placement: not pinned (no taskset or a single CPU); expect wider swings between rounds.",
    "",
    "```",
    ...lines,
    "",
    ...summary,
    "```",
    "",
  ].join("\n");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n\n";
  // With its newline: "## Hub request path: devices/op tracking …" must not match.
  const start = current.indexOf(`${heading}\n`);
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${body}`;
  else {
    const end = current.indexOf("\n## ", start + heading.length);
    next = current.slice(0, start) + body + (end < 0 ? "" : current.slice(end + 1));
  }
  writeFileSync(file, next);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/** A value in @yunlian/secrets' first format: base64url(iv | tag | data), AES-256-GCM without AAD. */
function legacySeal(keyHex: string, clear: string): { ciphertext: string; keyId: string } {
  const key = Buffer.from(keyHex, "hex");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(clear, "utf8"), cipher.final()]);
  return {
    ciphertext: Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url"),
    keyId: keyringFromHex(keyHex).current.id,
  };
}
