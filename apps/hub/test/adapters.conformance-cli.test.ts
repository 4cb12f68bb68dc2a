import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DeviceCloud, startDeviceCloud } from "@yunlian/vendor-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/harness.ts";
import { sdkReadmeBlock, writeAdapterPackage, writeThrowawayAdapter } from "./support/throwaway-adapter.ts";

const sdkRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "packages", "adapter-sdk");
const manifest = JSON.parse(readFileSync(join(sdkRoot, "package.json"), "utf8")) as {
  bin: Record<string, string>;
};
// What `npx yunlian-adapter-conformance` runs: the file the package's `bin` entry names.
const cli = join(sdkRoot, manifest.bin["yunlian-adapter-conformance"] ?? "missing-bin-entry");

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const adapterPackage = (options: Parameters<typeof writeThrowawayAdapter>[0]) => {
  const dir = writeThrowawayAdapter(options);
  made.push(dir);
  return dir;
};

async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir() },
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
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stdout, stderr };
}

/** `npx yunlian-adapter-conformance ./my-adapter --sim …` against a device-cloud simulator it plays the hub for. */
describe("the conformance CLI", () => {
  let cloud: DeviceCloud | undefined;
  let hubPort = 0;
  let args: string[] = [];

  beforeAll(async () => {
    hubPort = await freePort();
    cloud = await startDeviceCloud({
      platId: "SIM-VENDOR",
      manufacturerCode: "000006",
      verifyUrl: `http://127.0.0.1:${hubPort}/v1/user/verify`,
      hubDataGatewayUrl: `http://127.0.0.1:${hubPort}/v1/dataservices/dataGateway`,
      reportOnOp: true,
    });
    args = [
      "--sim",
      cloud.url,
      "--devices",
      [...cloud.devices.keys()].join(","),
      "--hub-port",
      String(hubPort),
    ];
  });
  afterAll(async () => cloud?.close());

  it("passes an adapter package that conforms", async () => {
    const pkg = adapterPackage({ adapterName: "acme" });
    const { code, stdout, stderr } = await runCli([pkg, ...args]);
    expect(stderr).toBe("");
    expect(stdout).toContain(`adapter "acme" (contract 1.0.0) from ${pkg}`);
    expect(stdout).toContain("  PASS  login returns a vendor session\n");
    expect(stdout).toContain("  PASS  bind and unbind report unknown devices in failedIds\n");
    expect(stdout).toContain("  PASS  op changes the state deviceStatus shows\n");
    expect(stdout).toContain("  PASS  parseReport normalises a report the simulator pushed\n");
    // The simulator runs in another process: checks that need to steer it are skipped, not failed.
    expect(stdout).toContain(
      "  SKIP  a vendor that hangs fails with AdapterError timeout\n       needs simulator control: setHanging\n",
    );
    expect(stdout).toContain("11 passed, 0 failed, 2 skipped\n");
    expect(code).toBe(0);
  }, 60_000);

  it("fails an adapter that loads but does not conform, naming the check and what went wrong", async () => {
    const pkg = adapterPackage({ adapterName: "sloppy", hidesFailedIds: true });
    const { code, stdout } = await runCli([pkg, ...args]);
    expect(stdout).toContain(
      '  FAIL  bind and unbind report unknown devices in failedIds\n       bind failedIds: expected ["000006010200199UNKNOWN"], got []\n',
    );
    expect(stdout).toContain("10 passed, 1 failed, 2 skipped\n");
    expect(code).toBe(1);
  }, 60_000);

  it("refuses a package the hub would refuse, with the hub's message", async () => {
    const pkg = adapterPackage({ adapterName: "halfdone", omit: ["deviceStatus"] });
    const { code, stdout, stderr } = await runCli([pkg, ...args]);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `invalid adapter packages (HUB_ADAPTERS):\n  ${pkg}: missing methods: deviceStatus\n`,
    );
    expect(code).toBe(1);
  }, 30_000);

  it("passes the README's worked example, package.json and index.js as printed there", async () => {
    const pkg = writeAdapterPackage(
      sdkReadmeBlock("json", "`package.json`:"),
      sdkReadmeBlock("js", "`index.js`:"),
    );
    made.push(pkg);
    const { code, stdout, stderr } = await runCli([pkg, ...args, "--config", '{"timeoutMs":3000}']);
    expect(stderr).toBe("");
    expect(stdout).toContain('adapter "acme" (contract 1.0.0)');
    expect(stdout).toContain("11 passed, 0 failed, 2 skipped\n");
    expect(code).toBe(0);
  }, 60_000);

  it("says how to call it when --sim is missing", async () => {
    const { code, stderr } = await runCli(["./my-adapter"]);
    expect(stderr).toMatch(
      /^yunlian-adapter-conformance: --sim is required\nusage: yunlian-adapter-conformance/,
    );
    expect(code).toBe(2);
  });
});
