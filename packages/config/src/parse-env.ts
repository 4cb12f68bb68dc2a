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
function withoutEmpty(env: EnvRecord): Record<string, string> {
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

/** A rule across variables, such as two that must be set together. */
export interface CrossRule<T> {
  variables: readonly (keyof T & string)[];
  /** The problem (named after one of the variables), or undefined when the rule holds. */
  check(env: T): ConfigProblem | undefined;
}

/**
 * Adds rules across variables to an environment schema. Each runs whenever the variables it names
 * are valid themselves, even when others are not, so its problem is reported together with theirs.
 */
export function withCrossRules<S extends z.ZodObject>(
  schema: S,
  rules: readonly CrossRule<z.output<S>>[],
): S {
  return rules.reduce<S>(
    (withRules, rule) =>
      withRules.superRefine(
        (env, ctx) => {
          const problem = rule.check(env);
          if (problem) ctx.addIssue({ code: "custom", path: [problem.variable], message: problem.message });
        },
        {
          when: (payload) =>
            !payload.issues.some((issue) => rule.variables.some((name) => name === issue.path?.[0])),
        },
      ),
    schema,
  );
}
