import { execFileSync, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The first compose CLI found: the v2 plugin (`docker compose`) or the standalone v1 binary. */
function composeCommand(): string[] | undefined {
  if (spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0)
    return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0) return ["docker-compose"];
  return undefined;
}

describe("docker/compose.yaml", () => {
  const compose = composeCommand();
  it.skipIf(!compose)("is accepted by `compose config` with the example env file", () => {
    const [bin = "", ...pre] = compose ?? [];
    const out = execFileSync(
      bin,
      [...pre, "-f", "docker/compose.yaml", "--env-file", "docker/.env.example", "config"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    for (const service of ["postgres", "redis", "migrate", "hub", "worker"])
      expect(out).toContain(`${service}:`);
    expect(out).toMatch(/appendonly/);
    expect(out).toMatch(/noeviction/);
  });
});
