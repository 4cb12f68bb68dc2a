import { describe, expect, it } from "vitest";
import { breakdown, compareBreakdowns, moduleOf, parsePerfScript, workKind } from "./cpu-breakdown.ts";

// Three samples as `perf script` prints them (call chains shortened): kernel time under a
// JavaScript frame, an inline-cache miss in the hub's listener, and compiled zod code.
const SCRIPT = `node  8829   778.314523:     500000 cpu-clock: 
	ffffffff8a2b1c40 pvm_irq_enable+0x0 ([kernel.kallsyms])
	    7fddfae2d2e1 JS:*sendJson file:///work/main/apps/hub/dist/server/answer.js:6:25+0x621 (/tmp/perf-8829.map)
	         14ce0dc Builtins_JSEntryTrampoline+0x5c (/usr/bin/node)

node  8829   778.315021:     500000 cpu-clock: 
	         1511a6b Builtins_LoadIC+0x2b (/usr/bin/node)
	    7f393eda1258 JS:*serve file:///work/main/apps/hub/dist/server/hub-listener.js:23:21+0xd8 (/tmp/perf-8829.map)
	          86853f node::Start+0x58f (/usr/bin/node)

node  8829   778.315521:     500000 cpu-clock: 
	    7fddfae66295 JS:*inst._zod.parse file:///work/main/node_modules/.pnpm/zod@4.6.7/node_modules/zod/v4/core/schemas.js:1199:23+0x2055 (/tmp/perf-8829.map)
	    7fddfae66299 JS:*parseRequestBody file:///work/main/packages/protocol/dist/parse.js:29:33+0x20 (/tmp/perf-8829.map)
`;

describe("cpu-breakdown", () => {
  it("reads each sample's stack, innermost frame first", () => {
    const samples = parsePerfScript(SCRIPT);
    expect(samples).toHaveLength(3);
    expect(samples[1]?.frames.map((f) => f.symbol)).toEqual([
      "Builtins_LoadIC",
      "JS:*serve file:///work/main/apps/hub/dist/server/hub-listener.js:23:21",
      "node::Start",
    ]);
    expect(samples[0]?.frames[0]?.dso).toBe("[kernel.kallsyms]");
  });

  it("names the kind of work of a frame", () => {
    expect(workKind({ symbol: "pvm_irq_enable", dso: "[kernel.kallsyms]" })).toBe("kernel");
    expect(workKind({ symbol: "Builtins_KeyedLoadIC_Megamorphic", dso: "/usr/bin/node" })).toBe(
      "inline caches",
    );
    expect(workKind({ symbol: "Builtins_PromiseFulfillReactionJob", dso: "/usr/bin/node" })).toBe(
      "promises, async",
    );
    expect(workKind({ symbol: "Builtins_StringAdd_CheckNone", dso: "/usr/bin/node" })).toBe("strings, JSON");
    expect(workKind({ symbol: "JS:wasm-function[20]-20-turbofan", dso: "/tmp/perf-1.map" })).toBe(
      "llhttp (wasm)",
    );
    // A stale name in the map file is still generated code.
    expect(workKind({ symbol: "Eval:~ node:internal/perf/usertiming:1:1", dso: "/tmp/perf-12.map" })).toBe(
      "JavaScript (compiled)",
    );
    expect(workKind({ symbol: "uv__io_poll", dso: "/usr/bin/node" })).toBe("Node C++, libuv");
  });

  it("names the module of a JavaScript frame", () => {
    expect(moduleOf("JS:*serve file:///w/apps/hub/dist/server/hub-listener.js:23:21")).toBe(
      "hub/server/hub-listener",
    );
    expect(moduleOf("JS:*x /w/node_modules/.pnpm/undici@7.30.2/node_modules/undici/lib/a.js:1:1")).toBe(
      "npm:undici",
    );
    expect(moduleOf("JS:*x /w/node_modules/.pnpm/@hono+node-server@1.19.0/node_modules/a.js:1:1")).toBe(
      "npm:@hono/node-server",
    );
    expect(moduleOf("JS:*clearBuffer node:internal/streams/writable:744:21")).toBe(
      "node:internal/streams/writable",
    );
  });

  it("shares a round's CPU per request among the samples", () => {
    const b = breakdown(parsePerfScript(SCRIPT), 90);
    expect(Object.fromEntries(b.byKind)).toEqual({
      kernel: 30,
      "inline caches": 30,
      "JavaScript (compiled)": 30,
    });
    expect(Object.fromEntries(b.byModule)).toEqual({
      "(kernel)": 30,
      "hub/server/hub-listener": 30,
      "npm:zod": 30,
    });
  });

  it("lists the largest differences first", () => {
    const hub = breakdown(parsePerfScript(SCRIPT), 90);
    const forwarder = breakdown(parsePerfScript(SCRIPT).slice(0, 1), 20);
    const rows = compareBreakdowns("byKind", hub, forwarder);
    expect(rows[1]).toMatch(/^inline caches\s+30\.0\s+0\.0\s+30\.0$/);
    expect(rows.at(-1)).toMatch(/^kernel\s+30\.0\s+20\.0\s+10\.0$/);
  });
});
