import type { z } from "zod";

/** An environment as a deployable hands it over (`process.env`, or a record in tests). */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

export interface ConfigProblem {
  variable: string;
  message: string;
}

/**
 * A configuration that cannot start the process. Its message names every bad variable at once,
 * one per line, so an operator fixes them in one go rather than one restart per variable.
 */
export class ConfigError extends Error {
  constructor(
    readonly deployable: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `invalid ${deployable} configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** Empty strings mean "unset": docker-compose passes `VAR=` through as "". */
export function withoutEmpty(env: EnvRecord): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== "") set[name] = value;
  return set;
}

/**
 * Parses `env` against a deployable's schema (an object keyed by variable name); variables the
 * schema does not name are ignored. Throws a ConfigError naming every bad variable.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: EnvRecord, deployable: string): z.output<S> {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    deployable,
    parsed.error.issues.map((issue) => ({
      variable: issue.path.map(String).join(".") || "(environment)",
      message: issue.message,
    })),
  );
}

/**
 * A rule across variables (say, two that must be set together), for `schema.superRefine(...)`.
 * It runs whenever the variables it names are valid themselves, even if others are not, so its
 * problem is reported together with theirs. `check` returns the problem, or undefined.
 */
export function crossCheck<T extends Record<string, unknown>>(
  variables: readonly (keyof T & string)[],
  check: (env: T) => ConfigProblem | undefined,
): [(env: T, ctx: z.RefinementCtx<T>) => void, z.core.$ZodSuperRefineParams] {
  const named = new Set<PropertyKey>(variables);
  return [
    (env, ctx) => {
      const problem = check(env);
      if (problem) ctx.addIssue({ code: "custom", path: [problem.variable], message: problem.message });
    },
    { when: (payload) => !payload.issues.some((issue) => named.has(issue.path?.[0] ?? "")) },
  ];
}
