import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, hexKey, parseEnv, positiveInt, required, url, withCrossRules } from "../src/index.ts";

const schema = withCrossRules(
  z.object({
    DATABASE_URL: required(url, "the worker reads the outbox from PostgreSQL"),
    HUB_SECRET_KEY: hexKey.optional(),
    HUB_WORKER_CONCURRENCY: positiveInt.default(64),
    HUB_TLS_CERT: z.string().optional(),
    HUB_TLS_KEY: z.string().optional(),
  }),
  [
    {
      variables: ["HUB_TLS_CERT", "HUB_TLS_KEY"],
      check: (e) =>
        Boolean(e.HUB_TLS_CERT) === Boolean(e.HUB_TLS_KEY)
          ? undefined
          : { variable: "HUB_TLS_KEY", message: "HUB_TLS_CERT and HUB_TLS_KEY must be set together" },
    },
    {
      // Skipped while a variable it names is bad: that variable's own problem is reported instead.
      variables: ["HUB_WORKER_CONCURRENCY"],
      check: (e) =>
        e.HUB_WORKER_CONCURRENCY > 100
          ? { variable: "HUB_WORKER_CONCURRENCY", message: "at most 100" }
          : undefined,
    },
  ],
);

function problemsOf(env: Record<string, string | undefined>): string {
  try {
    parseEnv(schema, env, "worker");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("parseEnv", () => {
  it("parses, applies defaults and ignores variables the schema does not name", () => {
    expect(parseEnv(schema, { DATABASE_URL: "postgres://h/db", PATH: "/bin" }, "worker")).toEqual({
      DATABASE_URL: "postgres://h/db",
      HUB_WORKER_CONCURRENCY: 64,
    });
  });

  it("names every bad variable in one message, one per line, the cross-variable rules too", () => {
    expect(
      problemsOf({ HUB_SECRET_KEY: "abc", HUB_WORKER_CONCURRENCY: "many", HUB_TLS_CERT: "cert.pem" }),
    ).toBe(
      [
        "invalid worker configuration:",
        "  DATABASE_URL: required: the worker reads the outbox from PostgreSQL",
        "  HUB_SECRET_KEY: must be 32 bytes as 64 hex characters",
        "  HUB_WORKER_CONCURRENCY: must be a whole number",
        "  HUB_TLS_KEY: HUB_TLS_CERT and HUB_TLS_KEY must be set together",
      ].join("\n"),
    );
  });

  it("a cross-variable rule holds its tongue while a variable it names is bad itself", () => {
    expect(problemsOf({ DATABASE_URL: "postgres://h/db", HUB_WORKER_CONCURRENCY: "500" })).toBe(
      "invalid worker configuration:\n  HUB_WORKER_CONCURRENCY: at most 100",
    );
    expect(problemsOf({ DATABASE_URL: "postgres://h/db", HUB_WORKER_CONCURRENCY: "x" })).toBe(
      "invalid worker configuration:\n  HUB_WORKER_CONCURRENCY: must be a whole number",
    );
  });

  it("a malformed required variable gets the field's own message", () => {
    expect(problemsOf({ DATABASE_URL: "not a url" })).toContain("DATABASE_URL: must be a URL");
  });

  it("treats empty strings as unset (docker-compose passes VAR= through as empty)", () => {
    expect(problemsOf({ DATABASE_URL: "" })).toContain("DATABASE_URL: required");
    expect(
      parseEnv(schema, { DATABASE_URL: "postgres://h/db", HUB_WORKER_CONCURRENCY: "" }, "worker")
        .HUB_WORKER_CONCURRENCY,
    ).toBe(64);
  });

  it("the error carries the problems for callers that present them otherwise", () => {
    try {
      parseEnv(schema, { HUB_WORKER_CONCURRENCY: "0" }, "worker");
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        { variable: "DATABASE_URL", message: "required: the worker reads the outbox from PostgreSQL" },
        { variable: "HUB_WORKER_CONCURRENCY", message: "must be above 0" },
      ]);
    }
    expect.assertions(1);
  });
});
