/**
 * `pnpm bench` (apps/hub): devices/op through the hub to a device-cloud sim, against a bare
 * node:http + undici forwarder in front of the same sim, same run, same concurrency. Then the
 * hub again with 100,000 registered platforms/manufacturer codes instead of 10.
 * Needs PostgreSQL (TEST_DATABASE_URL or the local server). Knobs: BENCH_SECONDS, BENCH_CONCURRENCY,
 * BENCH_QUICK=1 (the 10-platform comparison only, docs left alone: for profiling loops),
 * HUB_PROCESS_NODE_ARGS / FORWARDER_NODE_ARGS (extra node flags, e.g. --cpu-prof, for either server).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@yunlian/db/testing";
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { encryptSecret, keyringFromHex, newAppSecret } from "@yunlian/secrets";
import { startDeviceCloud } from "@yunlian/vendor-sim";
import postgres from "postgres";
import { adminClient, platformClient } from "../test/support/client.ts";
import { freePort } from "../test/support/harness.ts";
import { startHubProcess } from "../test/support/hub-process.ts";
import { describe, type LoadResult, runLoad } from "./load.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PROCESSES = availableParallelism();
const SECRET_KEY = "22".repeat(32);
const ADMIN = "bench-admin-token-0123456789";
const here = dirname(fileURLToPath(import.meta.url));

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
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/fwd", as HUB_PROCESS_NODE_ARGS does for the hub.
      ...(process.env.FORWARDER_NODE_ARGS ?? "").split(" ").filter(Boolean),
      "--import",
      "tsx",
      join(here, "forwarder.ts"),
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

/**
 * CPU seconds (user + system) an OS process and its descendants (cluster processes) have used
 * so far, from /proc (Linux); undefined elsewhere.
 */
function cpuSecondsOf(child: ChildProcess): number | undefined {
  if (!existsSync("/proc/self/stat")) return undefined;
  const stats = new Map<number, { ppid: number; seconds: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      // ppid, utime and stime are fields 4, 14 and 15 of stat(5); times in clock ticks (100/s).
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        seconds: (Number(fields[11]) + Number(fields[12])) / 100,
      });
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const queue = [child.pid ?? -1];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    total += stats.get(pid)?.seconds ?? 0;
    for (const [other, s] of stats) if (s.ppid === pid) queue.push(other);
  }
  return total;
}

/** runLoad plus the CPU the server process spent per request: the figure machine noise moves least. */
async function measured(server: ChildProcess, opts: Parameters<typeof runLoad>[0]): Promise<LoadResult> {
  const before = cpuSecondsOf(server);
  const result = await runLoad(opts);
  const after = cpuSecondsOf(server);
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
  const env = {
    DATABASE_URL: database.url,
    HUB_ADMIN_TOKEN: ADMIN,
    HUB_SECRET_KEY: SECRET_KEY,
    HUB_ALLOW_PRIVATE_URLS: "1",
    // The bench measures forwarding, not the per-platform rate limit.
    HUB_RATE_LIMIT: "off",
  };
  let hub = await startHubProcess(env);

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
  const forwarder = await startForwarder(new URL(sim.url).origin, simToken);

  const opBody = (user: string, device: string) =>
    JSON.stringify({
      UserID: user,
      Device: [{ DeviceInfo: { deviceID: device }, DeviceAttr: { laundryCycle: "3" } }],
    });
  const throughHub = (seconds: number) =>
    measured(hub.child, {
      url: hub.url,
      path: "/v1/devices/op",
      headers: { "content-type": "application/json", PlatID: "BENCH-APP", AccessToken: token },
      body: opBody(userId, hubDevice),
      concurrency: CONCURRENCY,
      seconds,
    });
  let forwarderNow = forwarder;
  const throughForwarder = (seconds: number) =>
    measured(forwarderNow.child, {
      url: forwarderNow.url,
      path: "/v1/devices/op",
      headers: { "content-type": "application/json" },
      body: opBody(simUser, fwdDevice),
      concurrency: CONCURRENCY,
      seconds,
    });

  const lines: string[] = [];
  const print = (name: string, r: LoadResult) => {
    const line = describe(name, r);
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  process.stdout.write(`concurrency ${CONCURRENCY}, ${SECONDS} s per measurement\n`);
  await throughHub(2);
  await throughForwarder(2);
  const hub10 = await throughHub(SECONDS);
  print("hub, 10 platforms", hub10);
  const fwd = await throughForwarder(SECONDS);
  print("bare forwarder", fwd);

  // Both again with one process per CPU: the hub through HUB_HTTP_PROCESSES (which needs
  // REDIS_URL), the forwarder as as many node:cluster copies.
  let clustered: { hub: LoadResult; fwd: LoadResult } | undefined;
  if (PROCESSES > 1 && (await redisAvailable())) {
    await hub.stop();
    hub = await startHubProcess({
      ...env,
      REDIS_URL: TEST_REDIS_URL,
      HUB_QUEUE_PREFIX: uniquePrefix("bench"),
      HUB_HTTP_PROCESSES: String(PROCESSES),
    });
    forwarderNow = await startForwarder(new URL(sim.url).origin, simToken, PROCESSES);
    await throughHub(2);
    await throughForwarder(2);
    clustered = { hub: await throughHub(SECONDS), fwd: await throughForwarder(SECONDS) };
    print(`hub, ${PROCESSES} HTTP processes`, clustered.hub);
    print(`bare forwarder, ${PROCESSES} processes`, clustered.fwd);
    forwarderNow.child.kill();
    forwarderNow = forwarder;
  }
  const ratios = [
    `hub / forwarder, 1 process each:        ${(hub10.rps / fwd.rps).toFixed(2)}  (target ≥ 0.85)`,
    clustered
      ? `hub / forwarder, ${PROCESSES} processes each:       ${(clustered.hub.rps / clustered.fwd.rps).toFixed(2)}  (target ≥ 0.85)`
      : `hub / forwarder, ${PROCESSES} processes each:       not measured (needs more than one CPU and Redis)`,
  ];

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

  // 100,000 platforms with one manufacturer code each, inserted directly, then a fresh hub process.
  await hub.stop();
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const secret = encryptSecret(keyringFromHex(SECRET_KEY), newAppSecret());
  const extra = 100_000 - 10;
  await sql`insert into platforms (plat_id, name, app_id, secret_ciphertext, secret_key_id, security_mode, api_base_url)
    select 'BULK-' || i, 'bulk', 'BULKAPP' || i, ${secret.ciphertext}, ${secret.keyId}, 'none', 'http://127.0.0.1:9/v1'
    from generate_series(1, ${extra}) i`;
  await sql`insert into manufacturer_codes (code, plat_id)
    select lpad((200000 + i)::text, 6, '0'), 'BULK-' || i from generate_series(1, ${extra}) i`;
  await sql.end();
  const t0 = performance.now();
  hub = await startHubProcess(env);
  const startMs = performance.now() - t0;
  await throughHub(2);
  const hub100k = await throughHub(SECONDS);
  print("hub, 100,000 platforms", hub100k);
  const fwd2 = await throughForwarder(SECONDS);
  print("bare forwarder (again)", fwd2);

  const summary = [
    ...ratios,
    `hub 100k / hub 10, requests/s:         ${(hub100k.rps / hub10.rps).toFixed(2)}`,
    `hub 100k / hub 10, p50 latency:        ${(hub100k.p50 / hub10.p50).toFixed(2)}  (target ≤ 1.1)`,
    // The machine's speed drifts between measurements (the forwarder's own figure moves too), so
    // the same comparison, each hub figure taken relative to the forwarder measured right after it:
    `same, normalised by the forwarder:     ${(hub10.rps / fwd.rps / (hub100k.rps / fwd2.rps)).toFixed(2)} (slowdown in requests/s; 1.00 = none)`,
    `hub process start with 100k platforms: ${(startMs / 1000).toFixed(1)} s (migrate + load registry + listen)`,
  ];
  for (const s of summary) process.stdout.write(`${s}\n`);
  writeSection(lines, summary);

  await hub.stop();
  forwarder.child.kill();
  await sim.close();
  verify.close();
  await database.drop();
}

/** Replaces this benchmark's section of docs/benchmarks.md with the figures of this run. */
function writeSection(lines: string[], summary: string[]): void {
  const file = join(here, "..", "..", "..", "docs", "benchmarks.md");
  const heading = "## Hub request path: devices/op";
  const body = [
    heading,
    "",
    "Command: `cd apps/hub && npx -y pnpm@12.4.2 bench` (needs PostgreSQL; `BENCH_SECONDS`, `BENCH_CONCURRENCY`).",
    `Run ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPU(s), concurrency ${CONCURRENCY}, ${SECONDS} s per measurement.`,
    "The hub (its own process, PostgreSQL, in-memory registry and authorization cache) and a bare node:http + undici",
    "forwarder (its own process) each sit in front of the same device-cloud sim; the load generator and the sim share",
    "one process. Every figure comes from this one run; the machine is shared with PostgreSQL and the sim.",
    "",
    "```",
    ...lines,
    "",
    ...summary,
    "```",
    "",
  ].join("\n");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n\n";
  const start = current.indexOf(heading);
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
