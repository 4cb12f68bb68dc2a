import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { freePort } from "./support/harness.ts";

const hubDir = join(dirname(fileURLToPath(import.meta.url)), "..");

it("the start banner goes to stderr with next steps; stdout carries only JSON log lines", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "yunlian-banner-"));
  const port = await freePort();
  // Embedded mode, as the README's first command runs it: no DATABASE_URL, an info-level log.
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: hubDir,
    env: { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1", HUB_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    const deadline = Date.now() + 60_000;
    while (!stderr.includes("Next steps:") && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stderr).toContain(`listening on http://127.0.0.1:${port}`);
    expect(stderr).toMatch(
      new RegExp(`export HUB_URL=http://127\\.0\\.0\\.1:${port} HUB_ADMIN_TOKEN=\\S{32,}`),
    );
    expect(stderr).toContain("HUB_ALLOW_PRIVATE_URLS=1");
    const lines = stdout.split("\n").filter((l) => l.trim() !== "");
    expect(stdout).not.toContain("listening on");
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 90_000);
