import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "./support/harness.ts";

const hubRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * `pnpm demo` runs both scenarios to the end and keeps serving. It runs in a clean environment, as
 * on a fresh clone: nothing this test process was given (HUB_*, DATABASE_URL, …) may help it along.
 */
describe("pnpm demo", () => {
  it("narrates scenario 1 and 2 through to the air conditioner turning on, then keeps running", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=source", "demo/demo.ts"], {
      cwd: hubRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? tmpdir(),
        PORT: String(port),
        DEMO_DATA_DIR: mkdtempSync(join(tmpdir(), "yunlian-demo-")),
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes("Ctrl-C stops the demo")) {
        if (child.exitCode !== null) throw new Error(`demo exited early:\n${out}`);
        if (Date.now() > deadline) throw new Error(`demo did not finish:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(out).toContain('"FailedIDs":[]');
      // The washer maker's published model refuses a read-only attribute before its cloud is called.
      expect(out).toMatch(
        /a read-only attribute is refused before the vendor is called: .*"RetCode":"400".*doorLockStatus/,
      );
      // Scenario 2: the washer's report reached the app platform through the hub's delivery.
      expect(out).toMatch(
        /the app platform received \(signed, Standard Webhooks\): .*"DeviceStatus":\{"runningstatus":"3"\}/,
      );
      expect(out).toMatch(/air conditioner after: .*"onOffStatus":"True","mode":"dry"/);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  }, 90_000);
});
