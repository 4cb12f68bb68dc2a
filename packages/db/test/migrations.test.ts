import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { migrationsFolder } from "../src/index.ts";

const run = promisify(execFile);
const packageDir = new URL("..", import.meta.url).pathname;

describe("committed migrations", () => {
  it("match the schema (nobody changed src/schema without running `pnpm db:generate`)", async () => {
    const scratch = await mkdtemp(join(tmpdir(), "yunlian-migrations-"));
    try {
      await cp(migrationsFolder(), scratch, { recursive: true });
      const before = await readdir(scratch);
      // drizzle-kit prefixes "./" to --out and exits 0 on errors, so pass a relative path and check its verdict.
      const out = relative(packageDir, scratch);
      const { stdout } = await run(
        "npx",
        [
          "drizzle-kit",
          "generate",
          "--dialect",
          "postgresql",
          "--schema",
          "./src/schema/index.ts",
          "--out",
          out,
        ],
        { cwd: packageDir },
      );
      expect(stdout).toContain("No schema changes");
      expect(await readdir(scratch)).toEqual(before);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }, 60_000);

  it("the migrate CLI applies them to embedded PGlite in HUB_DATA_DIR", async () => {
    const dir = await mkdtemp(join(tmpdir(), "yunlian-cli-"));
    try {
      const env = { ...process.env, DATABASE_URL: "", HUB_DATA_DIR: join(dir, "data") };
      const first = await run(process.execPath, ["dist/migrate-cli.js"], { cwd: packageDir, env });
      expect(first.stdout).toContain("migrations applied to PGlite");
      const again = await run(process.execPath, ["dist/migrate-cli.js"], { cwd: packageDir, env });
      expect(again.stdout).toContain("migrations applied");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("the migrate CLI names every bad variable and exits 1 before touching a database", async () => {
    const env = { PATH: process.env.PATH ?? "", DATABASE_URL: "not a url", HUB_MIGRATIONS_DIR: "" };
    const failed = await run(process.execPath, ["dist/migrate-cli.js"], { cwd: packageDir, env }).catch(
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain(
      "invalid db:migrate configuration:\n  DATABASE_URL: must be a URL",
    );
  }, 60_000);
});
