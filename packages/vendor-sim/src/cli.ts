/**
 * Runs a simulated cloud as its own process:
 *   tsx src/cli.ts --role device --port 4001 --hub http://127.0.0.1:8080 --plat-id SIM-DEV-1 [--manufacturer 000006] [--devices 4]
 *   tsx src/cli.ts --role app --port 4100 --hub http://127.0.0.1:8080 --plat-id SIM-APP-1 [--users alice:tok1,bob:tok2]
 * `--host 0.0.0.0` listens on every interface (containers). `--app-id` is the hub-issued AppID;
 * `--app-secret` (or SIM_APP_SECRET) the hub-issued appSecret that signs calls to the hub;
 * `--webhook-secret` (or SIM_WEBHOOK_SECRET, app role) the webhookSecret that verifies the hub's webhooks.
 * `--strict` (both roles) builds the cloud or platform to the letter of the standard (README "Strict mode");
 * device role: `--ingest-url` the vendor's ingestUrl from the hub (reports go there, with no header),
 * `--session-ttl 30m` AccessTokens expire after that long, `--device-ids vendor` names devices by
 * the UDeviceID's vendor part, `--device-status string` sends DeviceStatus as a JSON string.
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
    strict: { type: "boolean", default: false },
    "ingest-url": { type: "string" },
    "session-ttl": { type: "string" },
    "device-ids": { type: "string", default: "udevice" },
    "device-status": { type: "string", default: "object" },
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
const strict = values.strict;
const deviceIds = oneOf("--device-ids", values["device-ids"], ["udevice", "vendor"] as const);
const deviceStatusAs = oneOf("--device-status", values["device-status"], ["object", "string"] as const);
const sessionTtlMs = values["session-ttl"] === undefined ? undefined : durationMs(values["session-ttl"]);

function oneOf<const T extends readonly string[]>(flag: string, value: string, allowed: T): T[number] {
  if (!allowed.includes(value)) fail(`${flag} must be one of ${allowed.join(", ")}`);
  return value as T[number];
}

/** "90" (seconds), "90s", "30m", "2h" → milliseconds. */
function durationMs(text: string): number {
  const match = /^(\d{1,9})(ms|s|m|h)?$/.exec(text.trim());
  if (!match) fail(`--session-ttl: "${text}" is not a duration such as 90s, 30m or 2h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"] ?? 1000;
  return Number(match[1]) * unit;
}

if (role === "device") {
  const cloud = await startDeviceCloud({
    platId,
    manufacturerCode: values.manufacturer,
    verifyUrl: `${hub}/v1/user/verify`,
    hubDataGatewayUrl: `${hub}/v1/dataservices/dataGateway`,
    ingestUrl: values["ingest-url"],
    devices: defaultDevices(values.manufacturer, Number(values.devices)),
    port,
    hostname: values.host,
    appId: values["app-id"],
    // A strict cloud signs nothing: SIM_APP_SECRET left in the environment must not make it refuse to start.
    appSecret: strict ? undefined : appSecret,
    strict,
    sessionTtlMs,
    deviceIds,
    deviceStatusAs,
    reportOnOp: true,
    // A long-running process must not grow without bound.
    recordCalls: false,
  });
  process.stdout.write(
    // The ingestUrl is a credential (DESIGN §7): say where reports go without printing it.
    `vendor-sim ${strict ? "strict " : ""}device cloud ${platId} listening on ${cloud.url}\n  reports to ${values["ingest-url"] ? "its ingestUrl" : cloud.reportUrl}\n`,
  );
  for (const id of cloud.devices.keys()) {
    // In vendor-ID mode the cloud answers and reports by the part after the 13-character prefix.
    const own = deviceIds === "vendor" ? ` (its own ID ${id.slice(13)})` : "";
    process.stdout.write(`  device ${id}${own}\n`);
  }
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
    appSecret: strict ? undefined : appSecret,
    webhookSecret,
    appId: values["app-id"],
    strict,
  });
  process.stdout.write(
    `vendor-sim ${strict ? "strict " : ""}app platform ${platId} listening on ${platform.url}\n`,
  );
  process.stdout.write(`  verifyUrl ${platform.verifyUrl}\n  dataGatewayUrl ${platform.dataGatewayUrl}\n`);
  process.once("SIGTERM", () => void platform.close().then(() => process.exit(0)));
  process.once("SIGINT", () => void platform.close().then(() => process.exit(0)));
} else {
  fail("--role must be device or app");
}
