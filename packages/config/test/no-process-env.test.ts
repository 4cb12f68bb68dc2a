import { type Dirent, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Configuration is parsed once, at a deployable's start, and passed down as typed options
 * (STYLE.md). This check fails naming every source file that reads the environment itself.
 */
const root = fileURLToPath(new URL("../../..", import.meta.url));

/** Files that may read process.env, and why. Paths from the repository root. */
const ALLOWED: Record<string, string> = {
  // Process entry points: each hands process.env to its deployable's config loader and nothing else.
  "apps/hub/src/main.ts": "the hub's entry point (loadConfig)",
  "apps/worker/src/main.ts": "the worker's entry point (loadWorkerConfig)",
  "apps/cli/src/main.ts": "hubctl's entry point (run → loadCliConfig)",
  "packages/db/src/migrate-cli.ts": "`pnpm db:migrate`'s entry point (its schema is in the file)",
  // A deployable-like tool: a simulated vendor cloud run as its own process.
  "packages/vendor-sim/src/cli.ts": "the vendor-sim CLI (SIM_APP_SECRET, SIM_WEBHOOK_SECRET)",
  // Test support exported to other packages' tests: where the test services run (TEST_*, CI).
  "packages/db/src/testing.ts": "test support: TEST_DATABASE_URL, TEST_REQUIRE_SERVICES, CI",
  "packages/delivery/src/testing/services.ts": "test support: TEST_REDIS_URL",
};

/** process.env, process["env"], `const { env } = process`, and env imported from node:process. */
const READS_ENV = [
  /\bprocess\s*(\?\.|\.)\s*env\b/,
  /\bprocess\s*\[\s*["'`]env["'`]\s*\]/,
  /\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/,
  /import\s*\{[^}]*\benv\b[^}]*\}\s*from\s*["'](node:)?process["']/,
];

/** Comments may name process.env (to say a module does not read it); only code counts. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
}

function readsEnv(source: string): boolean {
  const code = withoutComments(source);
  return READS_ENV.some((pattern) => pattern.test(code));
}

function sourceFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Library and deployable code: apps/<app>/src and packages/<package>/src, tests left out. */
function scannedFiles(): string[] {
  return ["apps", "packages"].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => sourceFiles(join(root, group, d.name, "src"))),
  );
}

describe("no process.env outside the deployables' entry points", () => {
  it("recognises every way of reading the environment", () => {
    expect(readsEnv("const a = process.env.HUB_X;")).toBe(true);
    expect(readsEnv("f(process.env)")).toBe(true);
    expect(readsEnv("process?.env")).toBe(true);
    expect(readsEnv('const a = process["env"].X;')).toBe(true);
    expect(readsEnv("const { env } = process;")).toBe(true);
    expect(readsEnv("const { argv, env: e } = process;")).toBe(true);
    expect(readsEnv('import { env } from "node:process";')).toBe(true);
    expect(readsEnv("const environment = opts.env; process.exitCode = 1;")).toBe(false);
    expect(readsEnv("/** Never reads `process.env`. */\nconst a = 1; // nor process.env here")).toBe(false);
    expect(readsEnv('const u = "http://x"; const a = process.env.X;')).toBe(true);
  });

  it("scans the source of every app and package", () => {
    const files = scannedFiles().map((f) => relative(root, f));
    expect(files).toContain("apps/hub/src/config.ts");
    expect(files).toContain("packages/delivery/src/attempt/http.ts");
    expect(files.some((f) => f.endsWith(".tsx"))).toBe(true);
    for (const allowed of Object.keys(ALLOWED)) expect(files).toContain(allowed);
  });

  it("only the allowed files read it", () => {
    const offenders = scannedFiles()
      .map((file) => relative(root, file))
      .filter((file) => !(file in ALLOWED) && readsEnv(readFileSync(join(root, file), "utf8")));
    expect(
      offenders,
      "these files read process.env: parse the variable in the deployable's config module and pass it down",
    ).toEqual([]);
  });
});
