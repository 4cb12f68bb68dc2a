/**
 * Runs a simulated cloud as its own process:
 *   node dist/cli.js --role device --port 4001 --hub http://127.0.0.1:8080 --plat-id SIM-DEV-1 [--manufacturer 000006] [--devices 4]
 *   node dist/cli.js --role app --port 4100 --hub http://127.0.0.1:8080 --plat-id SIM-APP-1 [--users alice:tok1,bob:tok2]
 * `--host 0.0.0.0` listens on every interface (containers). `--app-id` is the hub-issued AppID;
 * `--app-secret` (or SIM_APP_SECRET) the hub-issued appSecret that signs calls to the hub;
 * `--webhook-secret` (or SIM_WEBHOOK_SECRET, app role) the webhookSecret that verifies the hub's webhooks.
 * `--strict` (both roles) builds the cloud or platform to the letter of the standard (README "Strict mode");
 * device role: `--ingest-url` the vendor's ingestUrl from the hub (reports go there, with no header),
 * `--session-ttl 30m` AccessTokens expire after that long, `--device-ids vendor` names devices by
 * the UDeviceID's vendor part, `--device-status string` sends DeviceStatus as a JSON string.
 * Flags are read in cli-plan.ts.
 */
import { startAppPlatform } from "./app-platform/index.ts";
import { type CliPlan, CliUsageError, cliPlan } from "./cli-plan.ts";
import { startDeviceCloud } from "./device-cloud/index.ts";

let plan: CliPlan;
try {
  plan = cliPlan(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof CliUsageError) && !(err instanceof TypeError)) throw err;
  // TypeError: node:util parseArgs on an unknown flag, or new URL on a bad --hub.
  process.stderr.write(`vendor-sim: ${err.message}\n`);
  process.exit(2);
}

const strict = plan.options.strict ? "strict " : "";
if (plan.role === "device") {
  const { options } = plan;
  const cloud = await startDeviceCloud(options);
  process.stdout.write(
    // The ingestUrl is a credential (DESIGN §7): say where reports go without printing it.
    `vendor-sim ${strict}device cloud ${options.platId} listening on ${cloud.url}\n  reports to ${options.ingestUrl ? "its ingestUrl" : cloud.reportUrl}\n`,
  );
  for (const id of cloud.devices.keys()) {
    // In vendor-ID mode the cloud answers and reports by the part after the 13-character prefix.
    const own = options.deviceIds === "vendor" ? ` (its own ID ${id.slice(13)})` : "";
    process.stdout.write(`  device ${id}${own}\n`);
  }
  process.once("SIGTERM", () => void cloud.close().then(() => process.exit(0)));
  process.once("SIGINT", () => void cloud.close().then(() => process.exit(0)));
} else {
  const { options } = plan;
  const platform = await startAppPlatform(options);
  process.stdout.write(`vendor-sim ${strict}app platform ${options.platId} listening on ${platform.url}\n`);
  process.stdout.write(`  verifyUrl ${platform.verifyUrl}\n  dataGatewayUrl ${platform.dataGatewayUrl}\n`);
  process.once("SIGTERM", () => void platform.close().then(() => process.exit(0)));
  process.once("SIGINT", () => void platform.close().then(() => process.exit(0)));
}
