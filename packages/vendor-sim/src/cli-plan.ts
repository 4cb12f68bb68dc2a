import { parseArgs } from "node:util";
import type { AppPlatformOptions } from "./app-platform/index.ts";
import type { DeviceCloudOptions } from "./device-cloud/index.ts";
import { defaultDevices } from "./devices.ts";

/** A command line the CLI cannot run; the message says which flag and why. */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

export type CliPlan =
  | { role: "device"; options: DeviceCloudOptions }
  | { role: "app"; options: AppPlatformOptions };

function fail(message: string): never {
  throw new CliUsageError(message);
}

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

/** The command line (and the SIM_* secrets of the environment) → what to start, with which options. */
export function cliPlan(args: string[], env: Record<string, string | undefined>): CliPlan {
  const { values } = parseArgs({
    args,
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
  const platId = values["plat-id"] ?? fail("--plat-id is required");
  // new URL(…).href, not /\/+$/ (quadratic on a run of slashes; apps/hub/test/redos.security.test.ts).
  const hub = new URL(values.hub ?? fail("--hub is required")).href.replace(/\/$/, "");
  const port = Number(values.port);
  const strict = values.strict;
  // A strict simulator signs nothing: SIM_APP_SECRET left in the environment must not stop it starting.
  const appSecret = strict ? undefined : (values["app-secret"] ?? env.SIM_APP_SECRET);

  if (values.role === "device") {
    return {
      role: "device",
      options: {
        platId,
        manufacturerCode: values.manufacturer,
        verifyUrl: `${hub}/v1/user/verify`,
        hubDataGatewayUrl: `${hub}/v1/dataservices/dataGateway`,
        ingestUrl: values["ingest-url"],
        devices: defaultDevices(values.manufacturer, Number(values.devices)),
        port,
        hostname: values.host,
        appId: values["app-id"],
        appSecret,
        strict,
        sessionTtlMs: values["session-ttl"] === undefined ? undefined : durationMs(values["session-ttl"]),
        deviceIds: oneOf("--device-ids", values["device-ids"], ["udevice", "vendor"] as const),
        deviceStatusAs: oneOf("--device-status", values["device-status"], ["object", "string"] as const),
        reportOnOp: true,
        // A long-running process must not grow without bound.
        recordCalls: false,
      },
    };
  }
  if (values.role === "app") {
    const users = values.users.split(",").map((pair) => {
      const [loginId, authToken] = pair.split(":");
      if (!loginId || !authToken) fail(`--users: "${pair}" is not loginId:authToken`);
      return { loginId, authToken };
    });
    return {
      role: "app",
      options: {
        platId,
        port,
        hostname: values.host,
        users,
        hubUrl: hub,
        appSecret,
        webhookSecret: values["webhook-secret"] ?? env.SIM_WEBHOOK_SECRET,
        appId: values["app-id"],
        strict,
      },
    };
  }
  return fail("--role must be device or app");
}
