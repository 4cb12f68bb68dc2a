import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type AppPlatform, type DeviceCloud, startAppPlatform, startDeviceCloud } from "@yunlian/vendor-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, platformClient } from "./support/client.ts";
import { freePort } from "./support/harness.ts";
import { type HubProcess, startHubProcess } from "./support/hub-process.ts";
import { operatorFolderWith, writeThrowawayAdapter } from "./support/throwaway-adapter.ts";
import { devices } from "./support/world.ts";

const hubRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN_TOKEN = "adapters-by-name-admin-token-0123456789";
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const adapterPackage = (options: Parameters<typeof writeThrowawayAdapter>[0]) => {
  const dir = writeThrowawayAdapter(options);
  made.push(dir);
  return dir;
};

/** operatorFolderWith, removed after the file's tests. */
function operatorFolder(packageName: string, packageDir: string): string {
  const dir = operatorFolderWith(packageName, packageDir);
  made.push(dir);
  return dir;
}

describe("an adapter package loaded by name (HUB_ADAPTERS)", () => {
  let hub: HubProcess | undefined;
  let app: AppPlatform | undefined;
  let cloud: DeviceCloud | undefined;

  beforeAll(async () => {
    const pkg = adapterPackage({ adapterName: "acme", packageName: "acme-yunlian-adapter-acme" });
    hub = await startHubProcess({
      HUB_ADMIN_TOKEN: ADMIN_TOKEN,
      HUB_SECRET_KEY: "22".repeat(32),
      HUB_ALLOW_PRIVATE_URLS: "1",
      INIT_CWD: operatorFolder("acme-yunlian-adapter-acme", pkg),
      HUB_ADAPTERS: "acme-yunlian-adapter-acme",
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await cloud?.close();
    await hub?.stop();
  });

  it("registers a vendor platform with the package's adapter and runs scenario 1 through it", async () => {
    if (!hub) throw new Error("hub not started");
    const admin = adminClient(hub.url, ADMIN_TOKEN);

    const appPort = await freePort();
    const appReg = await admin.post("/admin/v1/platforms", {
      platId: "APP-PLAT-0001",
      name: "App platform",
      verifyUrl: `http://127.0.0.1:${appPort}/v1/user/verify`,
      dataGatewayUrl: `http://127.0.0.1:${appPort}/v1/dataservices/dataGateway`,
    });
    expect(appReg.status).toBe(201);
    const creds = {
      platId: "APP-PLAT-0001",
      appId: String(appReg.body.appId),
      appSecret: String(appReg.body.appSecret),
      webhookSecret: String(appReg.body.webhookSecret),
    };
    app = await startAppPlatform({
      port: appPort,
      users: [{ loginId: "alice", authToken: "alice-token-1" }],
      hubUrl: hub.url,
      ...creds,
    });

    const vendorPort = await freePort();
    const vendorReg = await admin.post("/admin/v1/platforms", {
      platId: "VENDOR-ACME-0000",
      name: "Acme cloud",
      manufacturerCodes: ["000006"],
      adapter: "acme",
      adapterConfig: { timeoutMs: 3000 },
      apiBaseUrl: `http://127.0.0.1:${vendorPort}/v1`,
      security: { mode: "hmac" },
    });
    expect(vendorReg.status).toBe(201);
    expect(vendorReg.body.adapter).toBe("acme");
    // The package's own config schema is what validates adapterConfig.
    const badConfig = await admin.post("/admin/v1/platforms", {
      platId: "VENDOR-ACME-0001",
      name: "Acme cloud 2",
      manufacturerCodes: ["000016"],
      adapter: "acme",
      adapterConfig: { timeoutMs: "soon" },
      apiBaseUrl: `http://127.0.0.1:${vendorPort}/v1`,
    });
    expect(badConfig.status).toBe(400);
    expect(JSON.stringify(badConfig.body)).toContain("adapterConfig.timeoutMs");

    cloud = await startDeviceCloud({
      platId: "VENDOR-ACME-0000",
      appId: String(vendorReg.body.appId),
      appSecret: String(vendorReg.body.appSecret),
      manufacturerCode: "000006",
      port: vendorPort,
      verifyUrl: `${hub.url}/v1/user/verify`,
      hubDataGatewayUrl: `${hub.url}/v1/dataservices/dataGateway`,
    });
    const call = platformClient(hub.url, creds);

    const login = await call("user/login", {
      User: [{ UserBase: { loginID: "alice" } }],
      AuthToken: "alice-token-1",
    });
    expect(login.body.RetCode).toBe("200");
    const accessToken = login.headers.accesstoken ?? "";
    const userId = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";

    const [d1, d2] = [...cloud.devices.keys()];
    if (!d1 || !d2) throw new Error("sim devices expected");
    const unknown = "000006010200199UNKNOWN";
    const bind = await call("user/bindDevices", { UserID: userId, Device: devices([d1, d2, unknown]) });
    expect(bind.body.RetCode).toBe("200");
    expect(bind.body.FailedIDs).toEqual([unknown]);
    // The hub logged in at the vendor through the package's adapter; the vendor verified at the hub.
    expect(cloud.calls.some((c) => c.api === "user/login")).toBe(true);

    const list = await call("users/devices", { UserID: userId });
    expect(list.body.RetCode).toBe("200");
    const listed = (list.body.Device as { DeviceInfo: { deviceID: string } }[]).map(
      (d) => d.DeviceInfo.deviceID,
    );
    expect(new Set(listed)).toEqual(new Set([d1, d2]));

    const op = await call(
      "devices/op",
      { UserID: userId, Device: devices([d1], { onOffStatus: "True" }) },
      { AccessToken: accessToken },
    );
    expect(op.body.RetCode).toBe("200");
    expect(cloud.devices.get(d1)?.attrs.onOffStatus).toBe("True");

    const status = await call("devices/deviceStatus", { UserID: userId, Device: devices([d1]) });
    expect(status.body.RetCode).toBe("200");
    expect((status.body.Device as { DeviceAttr: Record<string, string> }[])[0]?.DeviceAttr.onOffStatus).toBe(
      "True",
    );

    // A change at the appliance: the cloud pushes its report to the hub, the package's parseReport
    // reads it, and the app platform receives the standard report, signed.
    const push = await cloud.setDeviceAttrs(d1, { onOffStatus: "False" });
    expect(push?.status).toBe(200);
    const [report] = await app.waitForReports(1);
    expect(report?.body).toMatchObject({ DeviceID: d1, DeviceStatus: { onOffStatus: "False" } });
    expect(report?.signatureValid).toBe(true);

    // The package's AdapterError is read by the hub like a built-in adapter's.
    cloud.setMode("fail500");
    const failing = await call("devices/deviceStatus", { UserID: userId, Device: devices([d1]) });
    cloud.setMode("normal");
    expect(failing.body).toMatchObject({
      RetCode: "500",
      RetInfo: "vendor VENDOR-ACME-0000 refused: devices/deviceStatus: simulated vendor failure",
      FailedIDs: [d1],
    });
  }, 60_000);
});

/** Runs the built hub as `pnpm start` does and waits for it to stop; what it wrote to stderr. */
async function startFails(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: hubRoot,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      PORT: "0",
      HOST: "127.0.0.1",
      HUB_DATA_DIR: "memory://",
      HUB_LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  // A hub that wrongly starts would never exit: stop it before the test's own timeout, so no
  // process outlives the run (the assertion on `code` then fails).
  const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(guard);
  return { code, stderr };
}

describe("a broken adapter package stops the hub at start", () => {
  const header = "hub failed to start: invalid adapter packages (HUB_ADAPTERS):";

  it("names a package with missing methods", async () => {
    const dir = adapterPackage({ adapterName: "halfdone", omit: ["op", "parseReport"] });
    // A relative path is resolved against the directory the hub was started in.
    const spec = relative(hubRoot, dir);
    const { code, stderr } = await startFails({ HUB_ADAPTERS: spec });
    expect(code).toBe(1);
    expect(stderr).toBe(`${header}\n  ${spec}: missing methods: op, parseReport\n`);
  }, 30_000);

  it("names a package built against another contract version", async () => {
    const newer = adapterPackage({ adapterName: "newer", contractVersion: "1.7.0" });
    const older = adapterPackage({ adapterName: "older", contractVersion: "0.9.0" });
    const { code, stderr } = await startFails({ HUB_ADAPTERS: `${newer},${older}` });
    expect(code).toBe(1);
    expect(stderr).toBe(
      [
        header,
        `  ${newer}: contractVersion "1.7.0" is not compatible with this hub's adapter contract 1.0.0 (same major, minor up to 1.0)`,
        `  ${older}: contractVersion "0.9.0" is not compatible with this hub's adapter contract 1.0.0 (same major, minor up to 1.0)`,
        "",
      ].join("\n"),
    );
  }, 30_000);

  it("names a package that throws while it is imported", async () => {
    const dir = adapterPackage({ adapterName: "boom", throwAtImport: "ACME_API_KEY is not set" });
    const { code, stderr } = await startFails({ HUB_ADAPTERS: dir });
    expect(code).toBe(1);
    expect(stderr).toBe(`${header}\n  ${dir}: cannot be imported: ACME_API_KEY is not set\n`);
  }, 30_000);

  it("names a package whose adapter name is taken, by a built-in or by another package", async () => {
    const standard = adapterPackage({ adapterName: "standard" });
    const first = adapterPackage({ adapterName: "twin" });
    const second = adapterPackage({ adapterName: "twin" });
    const { code, stderr } = await startFails({ HUB_ADAPTERS: `${standard},${first},${second}` });
    expect(code).toBe(1);
    expect(stderr).toBe(
      [
        header,
        `  ${standard}: adapter name "standard" is already taken by a built-in adapter`,
        `  ${second}: adapter name "twin" is already taken by adapter package ${first}`,
        "",
      ].join("\n"),
    );
  }, 30_000);

  it("is checked once by the primary when several HTTP processes share the port", async () => {
    const dir = adapterPackage({ adapterName: "halfdone", omit: ["login"] });
    // Nothing is opened before the check, so these URLs are never dialled.
    const { code, stderr } = await startFails({
      HUB_ADAPTERS: dir,
      HUB_HTTP_PROCESSES: "2",
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      REDIS_URL: "redis://127.0.0.1:1",
    });
    expect(code).toBe(1);
    expect(stderr).toBe(`${header}\n  ${dir}: missing methods: login\n`);
  }, 30_000);

  it("names a package that is not installed", async () => {
    const { code, stderr } = await startFails({ HUB_ADAPTERS: "@acme/not-installed", INIT_CWD: tmpdir() });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `${header}\n  @acme/not-installed: cannot be imported: package not found in node_modules from ${tmpdir()} upwards (is it installed?)\n`,
    );
  }, 30_000);
});
