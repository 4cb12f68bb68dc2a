import { afterAll, beforeAll, describe, it } from "vitest";
import { registerDeviceCases } from "./device-cases.ts";
import type { CaseFn, ConformanceEnv, RunConformanceOptions } from "./env.ts";
import { registerResilienceCases } from "./resilience-cases.ts";

export type { ConformanceEnv, RunConformanceOptions } from "./env.ts";
export { closedPortUrl, countingStore, freshUserId } from "./env.ts";

/**
 * Registers the adapter conformance suite (vitest `describe`/`it`) for one adapter against its
 * simulator. Call it at the top level of a test file.
 */
export function runAdapterConformance(opts: RunConformanceOptions): void {
  describe(`adapter conformance: ${opts.name}`, () => {
    let env: ConformanceEnv | undefined;
    const getEnv = (): ConformanceEnv => {
      if (env === undefined) throw new Error("conformance env not set up");
      return env;
    };
    beforeAll(async () => {
      env = await opts.setup();
    });
    afterAll(async () => {
      await env?.teardown();
    });
    const timeout = opts.timeoutMs ?? 10_000;
    const gaps = opts.knownGaps ?? {};
    const registered = new Set<string>();
    const test: CaseFn = (name, options, fn) => {
      registered.add(name);
      const why = gaps[name];
      if (why === undefined) it(name, options, fn);
      else it.fails(`${name} (known gap: ${why})`, options, fn);
    };
    registerDeviceCases(opts.adapter, getEnv, timeout, test);
    registerResilienceCases(opts.adapter, getEnv, timeout, test);
    // A misspelt gap would silently excuse nothing: every name must be a case.
    const unknown = Object.keys(gaps).filter((name) => !registered.has(name));
    if (unknown.length > 0) throw new Error(`knownGaps names no conformance case: ${unknown.join("; ")}`);
  });
}
