/**
 * `pnpm bench:footprint` (apps/hub): what one hub process costs before it has served anything —
 * the wall time from spawn to the first 200 from /health (and the CPU time its processes used until
 * then, which a busy machine moves much less), and its resident memory once idle — in
 * services mode (PostgreSQL on a fresh database, Redis) and embedded mode (PGlite: the first start
 * on an empty data folder, then a second start on the same folder). It starts the hub the way
 * `pnpm start` does: `node dist/main.js` (build first: `pnpm build`).
 *
 * Memory is read twice: 5 s after the first 200 (the process as it stands once started) and
 * after BENCH_SETTLE_SECONDS of idling (40: V8's memory reducer may by then have handed back the
 * heap pages start-up left behind — it did after ~30 s in some runs here, not in all).
 * Knobs: BENCH_ROUNDS (3), BENCH_SETTLE_SECONDS, BENCH_FOOTPRINT_BEFORE=<another checkout> to measure
 * that checkout's hub in the same run, started as that checkout starts it (its dist/main.js if it
 * has one, else `node --import tsx src/main.ts`, as hubs ran before they were compiled).
 * Linux only (/proc). Prints a table; docs/benchmarks.md keeps one run of it by hand.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@yunlian/db/testing";
import { redisAvailable, TEST_REDIS_URL } from "@yunlian/delivery/testing";
import { freePort } from "../test/support/harness.ts";
import { cpuSecondsOfTree } from "./processes.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EARLY_SECONDS = 5;
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 40);
const here = dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;

/**
 * Loaded into the measured process with --import: on SIGUSR2 it writes process.memoryUsage() to
 * stderr, so the resident set can be split into V8 heap, external memory and the rest (native
 * code, WebAssembly memory). A handful of bytes next to what is measured.
 */
const PROBE = `data:text/javascript,${encodeURIComponent(
  'process.on("SIGUSR2",()=>process.stderr.write("footprint-probe "+JSON.stringify(process.memoryUsage())+"\\n"))',
)}`;

interface Variant {
  name: string;
  hubDir: string;
  args: string[];
}

/** How a checkout starts its hub: the compiled entry point when it has one, else tsx. */
function variantOf(name: string, repo: string): Variant {
  const hubDir = join(repo, "apps", "hub");
  const compiled = existsSync(join(hubDir, "dist", "main.js"));
  return {
    name: `${name} (${compiled ? "node dist/main.js" : "node --import tsx src/main.ts"})`,
    hubDir,
    args: compiled ? ["dist/main.js"] : ["--import", "tsx", "src/main.ts"],
  };
}

interface Sample {
  startMs: number;
  /** CPU seconds (user + system) the hub's processes used until the first 200: what the machine's load moves least */
  startCpu: number;
  /** resident set of the hub process 5 s after its first 200 */
  earlyRss: number;
  /** resident set of the hub process after SETTLE_SECONDS (this and the rest) */
  rss: number;
  /** resident set of the hub process and everything it started (e.g. tsx's esbuild service) */
  treeRss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
}

type Mode = "services" | "embedded, first start" | "embedded, second start";

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/** `pid` and every process below it. */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop() as number;
    out.push(next);
    queue.push(...(parents.get(next) ?? []));
  }
  return out;
}

async function firstHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited early:\n${output()}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`hub did not become healthy:\n${output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function probe(child: ChildProcess, output: () => string): Promise<Record<string, number>> {
  const before = output().length;
  child.kill("SIGUSR2");
  for (let i = 0; i < 100; i++) {
    const line = /footprint-probe (.*)\n/.exec(output().slice(before))?.[1];
    if (line) return JSON.parse(line) as Record<string, number>;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the memory probe did not answer");
}

async function measureOnce(variant: Variant, env: Record<string, string>): Promise<Sample> {
  const port = await freePort();
  let output = "";
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", PROBE, ...variant.args], {
    cwd: variant.hubDir,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", HUB_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  try {
    await firstHealthy(`http://127.0.0.1:${port}`, child, () => output);
    const startMs = performance.now() - started;
    const pid = child.pid as number;
    const startCpu = cpuSecondsOfTree(pid) ?? 0;
    await new Promise((r) => setTimeout(r, EARLY_SECONDS * 1000));
    const earlyRss = residentBytes(pid);
    await new Promise((r) => setTimeout(r, (SETTLE_SECONDS - EARLY_SECONDS) * 1000));
    const rss = residentBytes(pid);
    const treeRss = processTree(pid).reduce((sum, p) => sum + residentBytes(p), 0);
    const usage = await probe(child, () => output);
    return {
      startMs,
      startCpu,
      earlyRss,
      rss,
      treeRss,
      heapTotal: usage.heapTotal ?? 0,
      heapUsed: usage.heapUsed ?? 0,
      external: usage.external ?? 0,
    };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  }
}

async function measureVariant(variant: Variant): Promise<Map<Mode, Sample[]>> {
  const out = new Map<Mode, Sample[]>([
    ["services", []],
    ["embedded, first start", []],
    ["embedded, second start", []],
  ]);
  for (let round = 0; round < ROUNDS; round++) {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "yunlian-footprint-"));
    try {
      out.get("services")?.push(
        await measureOnce(variant, {
          DATABASE_URL: database.url,
          REDIS_URL: TEST_REDIS_URL,
          HUB_ADMIN_TOKEN: "footprint-admin-token-0123456789abcdef",
          HUB_SECRET_KEY: "33".repeat(32),
          HUB_DATA_DIR: dataDir,
        }),
      );
      const embeddedDir = join(dataDir, "embedded");
      out.get("embedded, first start")?.push(await measureOnce(variant, { HUB_DATA_DIR: embeddedDir }));
      out.get("embedded, second start")?.push(await measureOnce(variant, { HUB_DATA_DIR: embeddedDir }));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function row(variant: string, mode: Mode, samples: Sample[]): string {
  const mib = (pick: (s: Sample) => number) => (median(samples.map(pick)) / MiB).toFixed(0);
  const other = (s: Sample) => s.rss - s.heapTotal - s.external;
  return [
    variant,
    mode,
    `${(median(samples.map((s) => s.startMs)) / 1000).toFixed(2)} s`,
    `${median(samples.map((s) => s.startCpu)).toFixed(2)} s`,
    mib((s) => s.earlyRss),
    mib((s) => s.rss),
    mib((s) => s.treeRss),
    mib((s) => s.heapUsed),
    mib((s) => s.heapTotal),
    mib((s) => s.external),
    mib(other),
    samples
      .map(
        (s) =>
          `${(s.startMs / 1000).toFixed(2)}s/${(s.earlyRss / MiB).toFixed(0)}/${(s.rss / MiB).toFixed(0)}`,
      )
      .join(" "),
  ].join(" | ");
}

async function main(): Promise<void> {
  if (!existsSync("/proc/self/status")) throw new Error("footprint bench: needs Linux /proc");
  if (!(await redisAvailable())) throw new Error(`footprint bench: Redis at ${TEST_REDIS_URL} is required`);
  const variants = [variantOf("this tree", resolve(here, "..", "..", ".."))];
  const before = process.env.BENCH_FOOTPRINT_BEFORE;
  if (before) variants.unshift(variantOf("before", resolve(before)));
  const results: string[] = [];
  for (const variant of variants) {
    const byMode = await measureVariant(variant);
    for (const [mode, samples] of byMode) results.push(row(variant.name, mode, samples));
  }
  console.log(
    [
      `Node ${process.version}, ${cpus().length} CPU(s), ${ROUNDS} round(s); medians, memory in MiB: RSS ${EARLY_SECONDS} s after the first 200, then the rest after ${SETTLE_SECONDS} s idle`,
      "",
      `hub | mode | start→healthy | CPU until healthy | RSS at ${EARLY_SECONDS} s | RSS at ${SETTLE_SECONDS} s | with children | heap used | heap total | external | rest of RSS | each round (start/RSS/RSS)`,
      "--- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | ---",
      ...results,
    ].join("\n"),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
