/**
 * `pnpm demo`: the whole story in one command. Starts the hub with its embedded defaults
 * (PGlite, in-process delivery), an app platform and two appliance makers' clouds (simulated),
 * registers them, walks through scenario 1 (an app operates another brand's appliance) and
 * scenario 2 (one brand's appliance drives another's), then leaves everything running.
 */
import { rmSync } from "node:fs";
import { startAppPlatform, startDeviceCloud } from "@yunlian/vendor-sim";
import { loadConfig } from "../src/config.ts";
import { startHubServer } from "../src/server/start.ts";
import { adminClient, platformClient } from "../test/support/client.ts";
import { freePort } from "../test/support/harness.ts";

const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
let step = 0;
const say = (title: string) => process.stdout.write(`\n${bold(`${++step}. ${title}`)}\n`);
const show = (label: string, value: unknown) =>
  process.stdout.write(`   ${label}: ${dim(typeof value === "string" ? value : JSON.stringify(value))}\n`);

async function main() {
  const port = Number(process.env.PORT ?? 8080);
  const config = loadConfig({
    ...process.env,
    PORT: String(port),
    HUB_DATA_DIR: process.env.DEMO_DATA_DIR ?? "./.data-demo",
    HUB_ALLOW_PRIVATE_URLS: "1", // the simulated clouds listen on loopback
    HUB_LOG_LEVEL: process.env.HUB_LOG_LEVEL ?? "warn",
    HUB_DELIVERY_BACKOFF: "0s,2s,10s,30s",
  });
  rmSync(config.dataDir, { recursive: true, force: true }); // every demo starts from a clean hub
  // The same start as `pnpm start` (server/start.ts), on loopback.
  const running = await startHubServer({ ...config, host: "127.0.0.1" });
  const { hub, url: hubUrl } = running;
  const admin = adminClient(hubUrl, hub.adminToken);

  say("The hub is up (embedded PGlite, in-process delivery)");
  show("hub", hubUrl);

  say("The operator registers three platforms through the admin API");
  const appPort = await freePort();
  const app = await admin.post("/admin/v1/platforms", {
    platId: "DEMO-APP-0000",
    name: "Demo app platform (brand A's app)",
    verifyUrl: `http://127.0.0.1:${appPort}/v1/user/verify`,
    dataGatewayUrl: `http://127.0.0.1:${appPort}/v1/dataservices/dataGateway`,
  });
  show(
    "app platform",
    `${app.body.platId} — hub-issued AppID ${app.body.appId}; appSecret and webhookSecret shown once`,
  );
  const vendors: Awaited<ReturnType<typeof startDeviceCloud>>[] = [];
  for (const [platId, name, code] of [
    ["DEMO-WASHER-CO", "Washer maker (standard cloud)", "000006"],
    ["DEMO-AIRCON-CO", "Air-conditioner maker (standard cloud)", "000007"],
  ] as const) {
    const vendorPort = await freePort();
    const reg = await admin.post("/admin/v1/platforms", {
      platId,
      name,
      manufacturerCodes: [code],
      apiBaseUrl: `http://127.0.0.1:${vendorPort}/v1`,
    });
    const cloud = await startDeviceCloud({
      platId,
      appId: String(reg.body.appId),
      manufacturerCode: code,
      port: vendorPort,
      verifyUrl: `${hubUrl}/v1/user/verify`,
      appSecret: String(reg.body.appSecret),
      hubDataGatewayUrl: `${hubUrl}/v1/dataservices/dataGateway`,
    });
    show("vendor", `${platId} owns manufacturer code ${code}; its cloud runs at ${cloud.url}`);
    vendors.push(cloud);
  }
  const [washerCo, airconCo] = vendors;
  if (!washerCo || !airconCo) throw new Error("vendors did not start");
  const washer = [...washerCo.devices.keys()].find((id) => id.slice(8, 13) === "02002") ?? "";
  const aircon = [...airconCo.devices.keys()].find((id) => id.slice(8, 13) === "03001") ?? "";
  // The washer maker states what its washers accept (standard 6.5.2.2); only a model a vendor
  // published refuses anything (docs/design.md §3.6), so the refusal in step 6 needs it.
  const washerModel = await admin.post("/admin/v1/models", {
    ownerPlatId: "DEMO-WASHER-CO",
    deviceType: washer.slice(8, 13), // BBCCC, the type the UDeviceID encodes: all its washers
    nameZh: "滚筒洗衣机",
    nameEn: "Front-loading washer",
    attributes: [
      { name: "onOffStatus", type: "bool", writable: true, zh: "开关", en: "Power" },
      { name: "laundryCycle", type: "string", writable: true, zh: "洗涤程序", en: "Cycle" },
      { name: "runningstatus", type: "string", writable: false, zh: "运行状态", en: "Running status" },
      { name: "doorLockStatus", type: "bool", writable: false, zh: "童锁", en: "Door lock" },
    ],
  });
  show(
    "washer model",
    `${washerModel.status === 201 ? "published" : `not published (${JSON.stringify(washerModel.body)})`} by DEMO-WASHER-CO for device type ${washer.slice(8, 13)}: doorLockStatus read-only`,
  );

  const appPlatform = await startAppPlatform({
    platId: "DEMO-APP-0000",
    port: appPort,
    users: [{ loginId: "xiaoming", authToken: "token-of-xiaoming" }],
    hubUrl,
    appId: String(app.body.appId),
    appSecret: String(app.body.appSecret),
    webhookSecret: String(app.body.webhookSecret),
    rules: [
      // Scenario 2: the rule lives in the app platform, as the standard says.
      {
        when: { deviceId: washer, attr: "runningstatus", equals: "3" },
        act: { loginId: "xiaoming", deviceId: aircon, attrs: { onOffStatus: "True", mode: "dry" } },
      },
    ],
  });
  const call = platformClient(hubUrl, {
    platId: "DEMO-APP-0000",
    appId: String(app.body.appId),
    appSecret: String(app.body.appSecret),
  });

  say("Scenario 1 — brand A's app logs its user in at the hub (the hub calls the app's verify URL)");
  const login = await call("user/login", {
    User: [{ UserBase: { loginID: "xiaoming" } }],
    AuthToken: "token-of-xiaoming",
  });
  const userId = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
  const token = login.headers.accesstoken ?? "";
  show("hub userID", userId);
  show("AccessToken", `${token.slice(0, 12)}…`);

  say("The user binds a washer and an air conditioner of two other brands (routed by manufacturer code)");
  const bind = await call("user/bindDevices", {
    UserID: userId,
    Device: [{ DeviceInfo: { deviceID: washer } }, { DeviceInfo: { deviceID: aircon } }],
  });
  show("UDeviceIDs", [washer, aircon]);
  show("answer", bind.body);

  say("The app lists the user's devices across both clouds");
  const list = await call("users/devices", { UserID: userId });
  show(
    "devices",
    (list.body.Device as { DeviceInfo: { deviceID: string; model: string } }[]).map(
      (d) => `${d.DeviceInfo.deviceID} (${d.DeviceInfo.model})`,
    ),
  );

  say(
    "The app starts the washer (devices/op: token, then binding, then the vendor's published model, if any)",
  );
  const op = await call(
    "devices/op",
    {
      UserID: userId,
      Device: [{ DeviceInfo: { deviceID: washer }, DeviceAttr: { onOffStatus: "True", laundryCycle: "5" } }],
    },
    { AccessToken: token },
  );
  show("answer", op.body);
  const refused = await call(
    "devices/op",
    {
      UserID: userId,
      Device: [{ DeviceInfo: { deviceID: washer }, DeviceAttr: { doorLockStatus: "False" } }],
    },
    { AccessToken: token },
  );
  show("a read-only attribute is refused before the vendor is called", refused.body);
  const status = await call("devices/deviceStatus", {
    UserID: userId,
    Device: [{ DeviceInfo: { deviceID: washer } }],
  });
  show("washer status", (status.body.Device as { DeviceAttr: unknown }[])[0]?.DeviceAttr);

  say("Scenario 2 — the washer finishes; its maker's cloud reports it to the hub");
  show("air conditioner before", airconCo.devices.get(aircon)?.attrs);
  await washerCo.setDeviceAttrs(washer, { runningstatus: "3" });
  const [report] = await appPlatform.waitForReports(1, 15_000);
  show("the app platform received (signed, Standard Webhooks)", report?.body);
  const [outcome] = await appPlatform.waitForLinkage(1, 15_000);
  show("its linkage rule operated the air conditioner through the hub", outcome);
  show("air conditioner after", airconCo.devices.get(aircon)?.attrs);

  say("Everything keeps running — explore it");
  show("web console", `${hubUrl}/console  (log in with the admin token)`);
  show("API reference", `${hubUrl}/docs`);
  show("OpenAPI", `${hubUrl}/openapi.json`);
  show("metrics", `${hubUrl}/metrics`);
  show("admin token", hub.adminToken);
  show(
    "device view",
    `curl -H 'Authorization: Bearer ${hub.adminToken}' ${hubUrl}/admin/v1/devices/${washer}`,
  );
  process.stdout.write(`\n${dim("Ctrl-C stops the demo.")}\n`);

  const stop = async () => {
    await appPlatform.close();
    for (const v of vendors) await v.close();
    await running.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
