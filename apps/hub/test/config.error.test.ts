import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const hubRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** `pnpm start` with a bad configuration: one message naming every bad variable, exit 1, nothing opened. */
describe("the hub process with a bad configuration", () => {
  it("stops at start naming every bad variable", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: hubRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? tmpdir(),
        PORT: "eighty",
        HUB_SECRET_KEY: "abc",
        HUB_ALLOW_PRIVATE_URLS: "yes",
        HUB_DELIVERY_BACKOFF: "0s,soon",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toBe(
      [
        "hub failed to start: invalid hub configuration:",
        "  HUB_SECRET_KEY: must be 32 bytes as 64 hex characters",
        '  HUB_ALLOW_PRIVATE_URLS: must be "0" or "1"',
        '  HUB_DELIVERY_BACKOFF: entry 2: "soon" is not a duration (a number with ms, s, m, h or d: 500ms, 30s, 2m, 12h, 30d)',
        "  PORT: must be a port number (0-65535)",
        "",
      ].join("\n"),
    );
  });
});
