import type { Adapter } from "../types.ts";
import { type ConformanceCheck, missingControls } from "./check.ts";
import { deviceChecks } from "./device-checks.ts";
import type { ConformanceEnv } from "./env.ts";
import { resilienceChecks } from "./resilience-checks.ts";

/** Every conformance check, in the order they run. */
export const conformanceChecks: readonly ConformanceCheck[] = [...deviceChecks, ...resilienceChecks];

export interface CheckResult {
  name: string;
  outcome: "pass" | "fail" | "skip";
  /** Why it failed or was skipped. */
  detail?: string;
}

export interface RunChecksOptions {
  /** Per-check limit in ms (default 10 s). */
  timeoutMs?: number;
  /** Called as each check finishes (the CLI prints from here). */
  onResult?(result: CheckResult): void;
}

/**
 * Runs the conformance checks against one adapter and its simulator, without a test framework:
 * each check passes, fails (with what went wrong) or is skipped when the simulator lacks a hook it
 * needs. Never throws for a failing check.
 */
export async function runConformanceChecks(
  adapter: Adapter,
  env: ConformanceEnv,
  options: RunChecksOptions = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of conformanceChecks) {
    const result = await runOne(check, adapter, env, options.timeoutMs ?? 10_000);
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

async function runOne(
  check: ConformanceCheck,
  adapter: Adapter,
  env: ConformanceEnv,
  timeoutMs: number,
): Promise<CheckResult> {
  const missing = missingControls(check, env);
  if (missing.length > 0) {
    return { name: check.name, outcome: "skip", detail: `needs simulator control: ${missing.join(", ")}` };
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.run(adapter, env), timeout]);
    return { name: check.name, outcome: "pass" };
  } catch (err) {
    return { name: check.name, outcome: "fail", detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
