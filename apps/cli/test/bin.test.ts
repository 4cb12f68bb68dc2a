import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeHub, haier, startFakeHub, TOKEN } from "./support/fake-hub.ts";

const bin = fileURLToPath(new URL("../bin/hubctl.js", import.meta.url));

function hubctl(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env } },
      (err, stdout, stderr) => {
        const code = err && typeof err.code === "number" ? err.code : err ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let hub: FakeHub;
beforeEach(async () => {
  hub = await startFakeHub();
});
afterEach(async () => {
  await hub.close();
});

describe("bin/hubctl.js as a process", () => {
  it("talks to the hub from HUB_URL/HUB_ADMIN_TOKEN and exits 0", async () => {
    hub.on("GET /admin/v1/platforms", { status: 200, body: { platforms: [haier] } });
    const r = await hubctl(["platforms", "list", "--json"], { HUB_URL: hub.url, HUB_ADMIN_TOKEN: TOKEN });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ platforms: [haier] });
  });

  it("sets the exit code: 1 for a refusal, 2 for a usage error", async () => {
    const refused = await hubctl(["platforms", "list"], { HUB_URL: hub.url, HUB_ADMIN_TOKEN: "wrong-token" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("the hub answered 401");

    const usage = await hubctl(["platforms", "nope"], {});
    expect(usage.code).toBe(2);
  });

  it("ends quietly when the reader of its output goes away (hubctl … | head -1)", async () => {
    // Enough rows that hubctl is still writing when `head` has exited and closed the pipe.
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ ...haier, platId: `P-${i}` }));
    hub.on("GET /admin/v1/platforms", { status: 200, body: { platforms: rows } });
    const child = spawn(
      "/bin/bash",
      ["-c", `"${process.execPath}" "${bin}" platforms list | head -1 >/dev/null; exit \${PIPESTATUS[0]}`],
      { env: { PATH: process.env.PATH ?? "", HUB_URL: hub.url, HUB_ADMIN_TOKEN: TOKEN } },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toContain("EPIPE");
    expect(code).toBe(0);
  });
});
