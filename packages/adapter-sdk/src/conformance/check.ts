import type { Adapter } from "../types.ts";
import type { ConformanceEnv } from "./env.ts";

/** What a check needs of the simulator beyond its API (hooks a simulator run elsewhere may lack). */
export type SimulatorControl = "invalidateTokens" | "setHanging" | "nativeReport";

/** One conformance check, runnable without a test framework (the CLI) or inside one (vitest). */
export interface ConformanceCheck {
  name: string;
  /** Simulator hooks the check uses; without them it is skipped, not failed. */
  needs?: SimulatorControl[];
  run(adapter: Adapter, env: ConformanceEnv): Promise<void>;
}

/** The hooks among `check.needs` that `env` lacks. */
export function missingControls(check: ConformanceCheck, env: ConformanceEnv): SimulatorControl[] {
  return (check.needs ?? []).filter((hook) => typeof env[hook] !== "function");
}
