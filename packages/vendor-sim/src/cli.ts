/**
 * Runs a simulated cloud as its own process:
 *   tsx src/cli.ts --role device --port 4001 --hub http://127.0.0.1:8080 --plat-id SIM-DEV-1 [--manufacturer 000006] [--devices 4]
 *   tsx src/cli.ts --role app --port 4100 --hub http://127.0.0.1:8080 --plat-id SIM-APP-1 [--users alice:tok1,bob:tok2]
 * `--host 0.0.0.0` listens on every interface (containers). `--app-id` is the hub-issued AppID;
 * `--app-secret` (or SIM_APP_SECRET) the hub-issued appSecret that signs calls to the hub;
 * `--webhook-secret` (or SIM_WEBHOOK_SECRET, app role) the webhookSecret that verifies the hub's webhooks.
 */
import { parseArgs } from "node:util";
import { startAppPlatform } from "./app-platform/index.ts";
import { startDeviceCloud } from "./device-cloud/index.ts";
import { defaultDevices } from "./devices.ts";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    hub: { type: "string" },
    "plat-id": { type: "string" },
    manufacturer: { type: "string", default: "000006" },
    devices: { type: "string", default: "4" },
    users: { type: "string", default: "demo-user:demo-auth-token" },
    "app-id": { type: "string" },
    "app-secret": { type: "string" },
    "webhook-secret": { type: "string" },
  },
});

function fail(message: string): never {
  process.stderr.write(`vendor-sim: ${message}\n`);
  process.exit(2);
}

const role = values.role;
const platId = values["plat-id"] ?? fail("--plat-id is required");
// new URL(…).href, not /\/+$/ (quadratic on a run of slashes; apps/hub/test/redos.security.test.ts).
const hub = new URL(values.hub ?? fail("--hub is required")).href.replace(/\/$/, "");
const port = Number(values.port);
const appSecret = values["app-secret"] ?? process.env.SIM_APP_SECRET;
const webhookSecret = values["webhook-secret"] ?? process.env.SIM_WEBHOOK_SECRET;

if (role === "device") {
  const cloud = await startDeviceCloud({
    platId,
    manufacturerCode: values.manufacturer,
    verifyUrl: `${hub}/v1/user/verify`,
    hubDataGatewayUrl: `${hub}/v1/dataservices/dataGateway`,
    devices: defaultDevices(values.manufacturer, Number(values.devices)),
    port,
    hostname: values.host,
    appId: values["app-id"],
    appSecret,
    reportOnOp: true,
    // A long-running process must not grow without bound.
    recordCalls: false,
  });
  process.stdout.write(`vendor-sim device cloud ${platId} listening on ${cloud.url}\n`);
  for (const id of cloud.devices.keys()) process.stdout.write(`  device ${id}\n`);
  process.once("SIGTERM", () => void cloud.close().then(() => process.exit(0)));
  process.once("SIGINT", () => void cloud.close().then(() => process.exit(0)));
} else if (role === "app") {
  const users = values.users.split(",").map((pair) => {
    const [loginId, authToken] = pair.split(":");
    if (!loginId || !authToken) fail(`--users: "${pair}" is not loginId:authToken`);
    return { loginId, authToken };
  });
  const platform = await startAppPlatform({
    platId,
    port,
    hostname: values.host,
    users,
    hubUrl: hub,
    appSecret,
    webhookSecret,
    appId: values["app-id"],
  });
  process.stdout.write(`vendor-sim app platform ${platId} listening on ${platform.url}\n`);
  process.stdout.write(`  verifyUrl ${platform.verifyUrl}\n  dataGatewayUrl ${platform.dataGatewayUrl}\n`);
  process.once("SIGTERM", () => void platform.close().then(() => process.exit(0)));
  process.once("SIGINT", () => void platform.close().then(() => process.exit(0)));
} else {
  fail("--role must be device or app");
}
