/**
 * `pnpm bench:metrics` (apps/hub): what recording one device call costs in metrics, with the
 * hand-written hot-path families (observability/hot-metrics.ts) and with prom-client's own
 * Counter/Histogram, in the same run. One device call records four things: the request count and
 * latency (interface, RetCode, vendor) and the vendor call count and latency (vendor, operation).
 * See docs/adr/0007-hand-written-hot-path-metrics.md.
 */
import { Counter, Histogram, Registry } from "prom-client";
import { HotCounter, HotHistogram } from "../src/observability/hot-metrics.ts";

const BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CALLS = Number(process.env.BENCH_CALLS ?? 2_000_000);
const ROUNDS = 5;
// A realistic label spread: 12 interfaces, 40 vendors, a few RetCodes.
const ROUTES = Array.from({ length: 12 }, (_, i) => `/v1/interface/${i}`);
const VENDORS = Array.from({ length: 40 }, (_, i) => `VENDOR-${i}`);
const CODES = ["200", "200", "200", "200", "400", "403", "502"];

type Recorder = (i: number) => void;

function hot(): Recorder {
  const registers = [new Registry()];
  const requests = new HotCounter({
    name: "r",
    help: "h",
    labelNames: ["interface", "ret_code", "vendor"] as const,
    registers,
  });
  const duration = new HotHistogram({
    name: "d",
    help: "h",
    labelNames: ["interface"] as const,
    buckets: BUCKETS,
    registers,
  });
  const calls = new HotCounter({
    name: "c",
    help: "h",
    labelNames: ["vendor", "operation", "outcome"] as const,
    registers,
  });
  const callDuration = new HotHistogram({
    name: "cd",
    help: "h",
    labelNames: ["vendor", "operation"] as const,
    buckets: BUCKETS,
    registers,
  });
  return (i) => {
    const route = ROUTES[i % 12] as string;
    const vendor = VENDORS[i % 40] as string;
    const code = CODES[i % 7] as string;
    calls.inc([vendor, "op", code === "200" ? "ok" : code]);
    callDuration.observe([vendor, "op"], (i % 100) / 1000);
    requests.inc([route, code, vendor]);
    duration.observe([route], (i % 100) / 1000);
  };
}

function promClient(): Recorder {
  const registers = [new Registry()];
  const requests = new Counter({
    name: "r",
    help: "h",
    labelNames: ["interface", "ret_code", "vendor"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "d",
    help: "h",
    labelNames: ["interface"] as const,
    buckets: BUCKETS,
    registers,
  });
  const calls = new Counter({
    name: "c",
    help: "h",
    labelNames: ["vendor", "operation", "outcome"] as const,
    registers,
  });
  const callDuration = new Histogram({
    name: "cd",
    help: "h",
    labelNames: ["vendor", "operation"] as const,
    buckets: BUCKETS,
    registers,
  });
  return (i) => {
    const route = ROUTES[i % 12] as string;
    const vendor = VENDORS[i % 40] as string;
    const code = CODES[i % 7] as string;
    calls.inc({ vendor, operation: "op", outcome: code === "200" ? "ok" : code });
    callDuration.observe({ vendor, operation: "op" }, (i % 100) / 1000);
    requests.inc({ interface: route, ret_code: code, vendor });
    duration.observe({ interface: route }, (i % 100) / 1000);
  };
}

/** CPU nanoseconds per device call recorded. */
function measure(record: Recorder): number {
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) record(i);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / CALLS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const recorders = { hot: hot(), promClient: promClient() };
for (const r of Object.values(recorders)) measure(r); // warm-up: JIT and series creation
const results: Record<string, number[]> = { hot: [], promClient: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, r] of Object.entries(recorders)) results[name]?.push(measure(r));
}
const h = median(results.hot ?? []);
const p = median(results.promClient ?? []);
process.stdout.write(
  [
    `metrics per device call (4 records), median of ${ROUNDS} rounds of ${CALLS.toLocaleString("en")} calls, CPU:`,
    `  hand-written hot families  ${h.toFixed(0)} ns`,
    `  prom-client                ${p.toFixed(0)} ns   (${(p / h).toFixed(1)}× the hand-written cost, +${((p - h) / 1000).toFixed(2)} µs per call)`,
    "",
  ].join("\n"),
);
