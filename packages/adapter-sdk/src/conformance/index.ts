import { afterAll, beforeAll, describe, it } from "vitest";
import { missingControls } from "./check.ts";
import type { ConformanceEnv, RunConformanceOptions } from "./env.ts";
import { gapAwareCases } from "./known-gaps.ts";
import { conformanceChecks } from "./run.ts";

export type { ConformanceCheck, SimulatorControl } from "./check.ts";
export type { ConformanceEnv, RunConformanceOptions } from "./env.ts";
export { closedPortUrl, countingStore, freshUserId } from "./env.ts";
export { type CheckResult, conformanceChecks, type RunChecksOptions, runConformanceChecks } from "./run.ts";

/**
 * Registers the adapter conformance suite (vitest `describe`/`it`, one test per check of
 * ./run.ts) for one adapter against its simulator. Call it at the top level of a test file.
 * Without vitest, use `runConformanceChecks` (`@yunlian/adapter-sdk/conformance/run`) or the CLI.
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
    for (const check of conformanceChecks) {
      cases.test(check.name, { timeout }, async (ctx) => {
        const current = getEnv();
        const missing = missingControls(check, current);
        if (missing.length > 0) return ctx.skip(`needs simulator control: ${missing.join(", ")}`);
        await check.run(opts.adapter, current);
      });
    }
    const unmatched = cases.unmatched();
    if (unmatched.length > 0)
      throw new Error(`knownGaps names no conformance check: ${unmatched.join("; ")}`);
  });
}
