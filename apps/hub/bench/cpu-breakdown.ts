import { execFileSync, spawn } from "node:child_process";

/**
 * Where a server's CPU goes, by kind of work and by module, from Linux `perf` samples: the op
 * bench's BENCH_PERF=1 records the hub and the forwarder for one extra round each and prints both
 * side by side, in µs per request. The servers run with `--perf-basic-prof` then, so JavaScript
 * frames carry their function and file names (perf reads them from /tmp/perf-<pid>.map).
 *
 * Use `perf record -e cpu-clock`, not `--cpu-prof`: on this machine V8's profiler showed a busy
 * thread as idle (docs/benchmarks.md, "A pitfall for whoever profiles next").
 */

/** One sample: its stack, innermost frame first (symbol and the file it was found in). */
export interface Sample {
  frames: { symbol: string; dso: string }[];
}

/** What kind of work a sample's innermost frame is. */
export type WorkKind =
  | "kernel"
  | "JavaScript (compiled)"
  | "inline caches"
  | "promises, async"
  | "strings, JSON"
  | "other builtins"
  | "garbage collection"
  | "compiler"
  | "V8 runtime, other"
  | "llhttp (wasm)"
  | "Node C++, libuv"
  | "libc"
  | "other";

/** Samples from `perf script` output (its default fields with call chains: a header line, then one frame per line). */
export function parsePerfScript(text: string): Sample[] {
  const samples: Sample[] = [];
  let current: Sample | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (current) samples.push(current);
      current = undefined;
      continue;
    }
    if (line[0] !== "\t" && line[0] !== " ") {
      current = { frames: [] };
      continue;
    }
    // "\t    7f39… JS:*serve file:///…/hub-listener.js:23:21+0x6d3 (/tmp/perf-7051.map)"
    const frame = /^\s*[0-9a-f]+ (.*?)(?:\+0x[0-9a-f]+)? \((.*)\)$/.exec(line);
    if (current && frame) current.frames.push({ symbol: frame[1] ?? "", dso: frame[2] ?? "" });
  }
  if (current) samples.push(current);
  return samples;
}

/**
 * Code V8 generated (JavaScript, and llhttp's wasm): named in perf's map file. Its names can be
 * stale (a module's top level, compiled once at start, named again code that later took its
 * address), which is why a few samples land on modules no request runs.
 */
function isJitted({ symbol, dso }: { symbol: string; dso: string }): boolean {
  return symbol.startsWith("JS:") || /\/perf-\d+\.map$/.test(dso);
}

export function workKind({ symbol, dso }: { symbol: string; dso: string }): WorkKind {
  if (dso.includes("kernel") || dso.startsWith("[k")) return "kernel";
  if (isJitted({ symbol, dso })) return symbol.includes("wasm") ? "llhttp (wasm)" : "JavaScript (compiled)";
  if (/Promise|Microtask|Async|Generator|Await/.test(symbol)) return "promises, async";
  if (symbol.startsWith("Builtins_") && /IC(_|Trampoline|$)/.test(symbol)) return "inline caches";
  if (/Scaveng|Heap|MarkCompact|Sweeper|Marking|GCTracer/.test(symbol)) return "garbage collection";
  if (/compiler::|Compile|Maglev|Baseline/.test(symbol)) return "compiler";
  if (/String|Json|JSON/.test(symbol)) return "strings, JSON";
  if (symbol.startsWith("Builtins_")) return "other builtins";
  if (symbol.includes("v8::")) return "V8 runtime, other";
  if (/node::|uv_/.test(symbol)) return "Node C++, libuv";
  if (dso.includes("libc")) return "libc";
  return "other";
}

/**
 * The module a JavaScript frame belongs to: a workspace package's built file
 * (`hub/server/hub-listener`), an npm package (`npm:undici`), or Node's own (`node:_http_server`).
 */
export function moduleOf(jsSymbol: string): string {
  if (jsSymbol.includes("wasm")) return "llhttp (wasm)";
  const npm = /node_modules\/\.pnpm\/((?:@[^+/]+\+)?[^@/]+)@/.exec(jsSymbol);
  if (npm) return `npm:${(npm[1] ?? "").replace("+", "/")}`;
  const own = /\/(?:apps|packages)\/([^/]+)\/dist\/(.*?)\.js/.exec(jsSymbol);
  if (own) return `${own[1]}/${own[2]}`;
  const core = / (node:[^:]+):/.exec(jsSymbol);
  if (core) return core[1] ?? "node";
  return "other JavaScript";
}

/** µs per request for each key, the samples' shares of `cpuMicrosPerRequest` (the round's measured figure). */
export interface Breakdown {
  byKind: Map<string, number>;
  /** Each sample charged to its innermost JavaScript frame's module (kernel samples apart). */
  byModule: Map<string, number>;
  samples: number;
}

export function breakdown(samples: readonly Sample[], cpuMicrosPerRequest: number): Breakdown {
  const byKind = new Map<string, number>();
  const byModule = new Map<string, number>();
  const share = samples.length === 0 ? 0 : cpuMicrosPerRequest / samples.length;
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + share);
  for (const { frames } of samples) {
    const leaf = frames[0];
    if (!leaf) continue;
    const kind = workKind(leaf);
    add(byKind, kind);
    if (kind === "kernel") {
      add(byModule, "(kernel)");
      continue;
    }
    const js = frames.find(isJitted);
    add(byModule, js ? moduleOf(js.symbol) : "(no JavaScript on the stack)");
  }
  return { byKind, byModule, samples: samples.length };
}

/** Two breakdowns side by side, the largest differences first, rows under 0.5 µs on both sides left out. */
export function compareBreakdowns(
  map: "byKind" | "byModule",
  hub: Breakdown,
  forwarder: Breakdown,
  limit = 25,
): string[] {
  const keys = new Set([...hub[map].keys(), ...forwarder[map].keys()]);
  const rows = [...keys]
    .map((key) => ({ key, hub: hub[map].get(key) ?? 0, fwd: forwarder[map].get(key) ?? 0 }))
    .filter((r) => r.hub >= 0.5 || r.fwd >= 0.5)
    .sort((a, b) => b.hub - b.fwd - (a.hub - a.fwd))
    .slice(0, limit);
  const width = Math.max(...rows.map((r) => r.key.length), 10);
  const fmt = (n: number) => n.toFixed(1).padStart(7);
  return [
    `${"".padEnd(width)}      hub  forwarder  difference (µs per request)`,
    ...rows.map((r) => `${r.key.padEnd(width)}  ${fmt(r.hub)}  ${fmt(r.fwd)}  ${fmt(r.hub - r.fwd)}`),
  ];
}

/** Whether `perf` can record here (installed, and allowed to attach to our processes). */
export function perfAvailable(): boolean {
  try {
    execFileSync("perf", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples a process's CPU for `seconds` (cpu-clock at 999 Hz, with call chains) into `file`;
 * resolves when perf has written it.
 */
export function recordCpu(pid: number, seconds: number, file: string): Promise<void> {
  const perf = spawn(
    "perf",
    [
      "record",
      "-q",
      "-e",
      "cpu-clock",
      "-F",
      "999",
      "-g",
      "-p",
      String(pid),
      "-o",
      file,
      "--",
      "sleep",
      String(seconds),
    ],
    { stdio: "ignore" },
  );
  return new Promise((resolve, reject) => {
    perf.once("error", reject);
    perf.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`perf record exited with ${code}`)),
    );
  });
}

/** The samples perf recorded in `file`. */
export function readRecording(file: string): Sample[] {
  const text = execFileSync("perf", ["script", "-i", file], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return parsePerfScript(text);
}
