import { afterAll, beforeAll, describe, it } from "vitest";
import { registerDeviceCases } from "./device-cases.ts";
import type { ConformanceEnv, RunConformanceOptions } from "./env.ts";
import { gapAwareCases } from "./known-gaps.ts";
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
    const cases = gapAwareCases(opts.knownGaps ?? {}, { run: it, fails: it.fails });
    registerDeviceCases(opts.adapter, getEnv, timeout, cases.test);
    registerResilienceCases(opts.adapter, getEnv, timeout, cases.test);
    const unmatched = cases.unmatched();
    if (unmatched.length > 0) throw new Error(`knownGaps names no conformance case: ${unmatched.join("; ")}`);
  });
}
