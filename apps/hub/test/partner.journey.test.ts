import { rmSync } from "node:fs";
import { type AppPlatform, type DeviceCloud, startAppPlatform, startDeviceCloud } from "@yunlian/vendor-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, failedClauses, type RunAnswer } from "./support/certification.ts";
import { adminClient, platformClient } from "./support/client.ts";
import { freePort } from "./support/harness.ts";
import { type HubProcess, startHubProcess } from "./support/hub-process.ts";
import { changingCommand } from "./support/ops.ts";
import { selfClient } from "./support/self-client.ts";
import { operatorFolderWith, writeThrowawayAdapter } from "./support/throwaway-adapter.ts";
import { devices } from "./support/world.ts";

/**
 * Issue 18's "done when", as one partner's path through a hub run the way `pnpm start` runs it: an
 * adapter package written outside this repository, loaded by name (HUB_ADAPTERS); the vendor
 * registered in the sandbox, where production apps cannot reach its devices; a certification run it
 * starts itself against its live cloud; promotion without force because the run passed; and live
 * traffic from a production app with the fresh secrets. (Packing and installing the SDK from
 * tarballs and the conformance command are the SDK's own tests.)
 */
const ADMIN_TOKEN = "partner-journey-admin-token-0123456789";
const VENDOR = "VENDOR-JOURNEY-01";
const APP = "APP-JOURNEY-0001";
const CODE = "000046";
const made: string[] = [];

describe("a partner's path: adapter package → sandbox → certified → promoted → live", () => {
  let hub: HubProcess | undefined;
  let cloud: DeviceCloud | undefined;
  let app: AppPlatform | undefined;

  beforeAll(async () => {
    const pkg = writeThrowawayAdapter({
      adapterName: "journey",
      packageName: "acme-yunlian-adapter-journey",
    });
    const operator = operatorFolderWith("acme-yunlian-adapter-journey", pkg);
    made.push(pkg, operator);
    hub = await startHubProcess({
      HUB_ADMIN_TOKEN: ADMIN_TOKEN,
      HUB_SECRET_KEY: "33".repeat(32),
      HUB_ALLOW_PRIVATE_URLS: "1",
      INIT_CWD: operator,
      HUB_ADAPTERS: "acme-yunlian-adapter-journey",
      HUB_CERTIFICATION_REPORT_WAIT: "5s",
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await cloud?.close();
    await hub?.stop();
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it("goes from a package outside the repository to live traffic, each step checked", async () => {
    if (!hub) throw new Error("hub not started");
    const hubUrl = hub.url;
    const admin = adminClient(hubUrl, ADMIN_TOKEN);

    // A production app platform, already live, with one user.
    const appPort = await freePort();
    const appReg = await admin.post("/admin/v1/platforms", {
      platId: APP,
      name: "Production app",
      verifyUrl: `http://127.0.0.1:${appPort}/v1/user/verify`,
      dataGatewayUrl: `http://127.0.0.1:${appPort}/v1/dataservices/dataGateway`,
    });
    expect(appReg.status).toBe(201);
    const appCreds = {
      platId: APP,
      appId: String(appReg.body.appId),
      appSecret: String(appReg.body.appSecret),
      webhookSecret: String(appReg.body.webhookSecret),
    };
    app = await startAppPlatform({
      port: appPort,
      users: [{ loginId: "alice", authToken: "alice-token-1" }],
      hubUrl,
      ...appCreds,
    });
    const call = platformClient(hubUrl, appCreds);
    const login = await call("user/login", {
      User: [{ UserBase: { loginID: "alice" } }],
      AuthToken: "alice-token-1",
    });
    expect(login.body.RetCode).toBe("200");
    const accessToken = login.headers.accesstoken ?? "";
    const userId = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";

    // 1. The vendor registers in the sandbox with its own adapter package.
    const vendorPort = await freePort();
    const vendorReg = await admin.post("/admin/v1/platforms", {
      platId: VENDOR,
      name: "Journey cloud",
      sandbox: true,
      manufacturerCodes: [CODE],
      adapter: "journey",
      apiBaseUrl: `http://127.0.0.1:${vendorPort}/v1`,
      security: { mode: "hmac" },
    });
    expect(vendorReg.status, JSON.stringify(vendorReg.body)).toBe(201);
    expect(vendorReg.body).toMatchObject({ sandbox: true, adapter: "journey" });
    const startCloud = (appSecret: string, ingestPath: string) =>
      startDeviceCloud({
        platId: VENDOR,
        appId: String(vendorReg.body.appId),
        appSecret,
        manufacturerCode: CODE,
        port: vendorPort,
        verifyUrl: `${hubUrl}/v1/user/verify`,
        ingestUrl: `${hubUrl}${ingestPath}`,
        reportOnOp: true,
      });
    cloud = await startCloud(String(vendorReg.body.appSecret), String(vendorReg.body.ingestUrl));
    const [device] = [...cloud.devices.keys()];
    if (!device) throw new Error("sim devices expected");

    // 2. In the sandbox, a production app cannot reach the vendor's devices.
    const early = await call("user/bindDevices", { UserID: userId, Device: devices([device]) });
    expect(early.body.FailedIDs).toEqual([device]);

    // 3. The vendor certifies its live cloud itself (self-service), through its adapter.
    const self = selfClient(hubUrl, { platId: VENDOR, appSecret: String(vendorReg.body.appSecret) });
    const started = await self("POST", "/certification-runs", { devices: [device], testUsers: ["tester"] });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const run = await waitForOwnRun(self, String(started.body.runId));
    expect(failedClauses(run), describeRun(run)).toEqual([]);
    expect(run).toMatchObject({ status: "passed", certified: true });

    // 4. The operator promotes it without force: the run passed. Fresh secrets, once.
    const promoted = await admin.post(`/admin/v1/platforms/${VENDOR}/promote`, {});
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    expect(promoted.body).toMatchObject({ forced: false, platform: { sandbox: false } });
    const newSecret = String(promoted.body.appSecret);
    expect(newSecret).not.toBe(String(vendorReg.body.appSecret));
    // The ingestUrl carries a secret too: the sandbox one stops working with the rest.
    const newIngest = String(promoted.body.ingestUrl);
    expect(newIngest).not.toBe(String(vendorReg.body.ingestUrl));

    // 5. Live: the vendor's cloud takes the new secret and ingestUrl; the production app binds, operates, and
    // receives the device's report, signed and without the sandbox label.
    await cloud.close();
    cloud = await startCloud(newSecret, newIngest);
    const bound = await call("user/bindDevices", { UserID: userId, Device: devices([device]) });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    const command = changingCommand(cloud, device);
    const op = await call(
      "devices/op",
      { UserID: userId, Device: devices([device], command) },
      { AccessToken: accessToken },
    );
    expect(op.body.RetCode).toBe("200");
    const [report] = await app.waitForReports(1);
    expect(report?.body).toMatchObject({ DeviceID: device, DeviceStatus: command });
    expect(report?.signatureValid).toBe(true);
    expect(report?.headers["yunlian-sandbox"]).toBeUndefined();
  }, 120_000);
});

async function waitForOwnRun(
  self: ReturnType<typeof selfClient>,
  runId: string,
  timeoutMs = 60_000,
): Promise<RunAnswer> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = (await self("GET", `/certification-runs/${runId}`)).body as unknown as RunAnswer;
    if (run.status !== "queued" && run.status !== "running") return run;
    if (Date.now() > until) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
