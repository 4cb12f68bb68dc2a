#!/usr/bin/env node
/**
 * yunlian-adapter-conformance: the adapter conformance suite against any adapter package and a
 * running simulator of its cloud (README.md, "Write an adapter in 30 minutes").
 *   yunlian-adapter-conformance ./my-adapter --sim http://127.0.0.1:4001/v1 --devices ID1,ID2,ID3
 * The CLI plays the hub: it listens on --hub-port (default 4099) for the simulator's verify calls
 * (/v1/user/verify) and status reports (/v1/dataservices/dataGateway), so the simulator must be
 * started with that URL as its hub. Exit 0 when every check passed (skipped ones aside), 1 when a
 * check failed or the package is not a valid adapter, 2 on a usage error.
 */
import { parseArgs } from "node:util";
import { createVendorHttp } from "../http.ts";
import { loadAdapterPackages } from "../load-adapters.ts";
import { memorySessionStore } from "../session.ts";
import { startHubStub } from "../sim-kit/hub-stub.ts";
import type { Adapter, AdapterCall, VendorPlatform } from "../types.ts";
import { type ConformanceEnv, freshUserId } from "./env.ts";
import { type CheckResult, runConformanceChecks } from "./run.ts";

const USAGE = `usage: yunlian-adapter-conformance <adapter package: path or name> --sim <simulator API base URL>
    --devices <ID1,ID2,ID3,...>   at least three UDeviceIDs the simulator knows and nobody holds
  [--hub-port 4099]               where this CLI answers the simulator's verify calls and reports
  [--hub-plat-id YUNLIAN-CONFORMANCE] [--plat-id SIM-VENDOR] [--vendor-app-id ID]
  [--config '{"…":…}']            the platform's adapterConfig (JSON, checked by the adapter's configSchema)
  [--unknown-device ID]           a well-formed UDeviceID the simulator does not know
  [--skip-reports]                the simulator does not push status reports after an op
  [--timeout-ms 10000]            per check`;

function usage(message: string): never {
  process.stderr.write(`yunlian-adapter-conformance: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        sim: { type: "string" },
        devices: { type: "string" },
        "hub-port": { type: "string", default: "4099" },
        "hub-plat-id": { type: "string", default: "YUNLIAN-CONFORMANCE" },
        "plat-id": { type: "string", default: "SIM-VENDOR" },
        "vendor-app-id": { type: "string" },
        config: { type: "string", default: "{}" },
        "unknown-device": { type: "string" },
        "skip-reports": { type: "boolean", default: false },
        "timeout-ms": { type: "string", default: "10000" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
})();

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const [spec, ...extra] = positionals;
if (!spec || extra.length > 0) usage("give exactly one adapter package");
const sim = values.sim ?? usage("--sim is required");
if (!URL.canParse(sim)) usage(`--sim: "${sim}" is not a URL`);
const deviceIds = (values.devices ?? usage("--devices is required"))
  .split(",")
  .map((id) => id.trim())
  .filter(Boolean);
if (deviceIds.length < 3) usage("--devices needs at least three device ids");
const hubPort = Number(values["hub-port"]);
const timeoutMs = Number(values["timeout-ms"]);
if (!Number.isInteger(hubPort) || hubPort < 0 || hubPort > 65535) usage("--hub-port must be a port number");
if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) usage("--timeout-ms must be a positive number");
let adapterConfig: unknown;
try {
  adapterConfig = JSON.parse(values.config);
} catch {
  usage("--config must be JSON");
}

// The same loader and checks as the hub's HUB_ADAPTERS: a package the hub would refuse fails here.
let adapter: Adapter;
try {
  const [loaded] = await loadAdapterPackages([spec], { from: process.cwd() });
  if (!loaded) throw new Error(`${spec}: no adapter`);
  adapter = loaded;
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const config = adapter.configSchema.safeParse(adapterConfig);
if (!config.success) {
  const issue = config.error.issues[0];
  process.stderr.write(
    `${spec}: --config refused by the adapter's configSchema: ${issue?.path.join(".") || "(root)"}: ${issue?.message}\n`,
  );
  process.exit(1);
}

const stub = await startHubStub({ port: hubPort }).catch((err: unknown) => {
  process.stderr.write(
    `cannot listen on 127.0.0.1:${hubPort}: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
const http = createVendorHttp({ timeoutMs: Math.min(timeoutMs, 5000), blockPrivateAddresses: false });
const code = deviceIds[0]?.slice(0, 6) ?? "000000";
const platform: VendorPlatform = {
  platId: values["plat-id"],
  apiBaseUrl: sim,
  vendorAppId: values["vendor-app-id"] ?? null,
  adapterConfig: config.data,
  manufacturerCodes: [...new Set(deviceIds.map((id) => id.slice(0, 6)))],
};
const makeCall = (userId: string): AdapterCall => ({
  platform,
  hub: { platId: values["hub-plat-id"] },
  user: { userId },
  sessions: memorySessionStore(),
  issueAuthToken: async () => stub.issue(userId),
  http,
});

/**
 * A report as the simulator pushes it: with no way to change a device at the simulator from here,
 * the CLI operates it through the adapter under test and takes the report the simulator sends.
 */
async function nativeReport(deviceId: string, attrs: Record<string, string>): Promise<unknown> {
  const call = makeCall(freshUserId());
  await adapter.bind(call, [deviceId]);
  const before = stub.received.length;
  try {
    await adapter.op(call, [{ deviceId, attrs }]);
    const wait = 5000;
    let timer: NodeJS.Timeout | undefined;
    const pushed = await Promise.race([
      stub.waitFor(before + 1),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), wait);
      }),
    ]);
    clearTimeout(timer);
    const received = pushed?.slice(before).find((r) => r.text.includes(deviceId)) ?? pushed?.[before];
    if (!received) {
      throw new Error(
        `no status report reached ${stub.dataGatewayUrl} within ${wait} ms of an op (does the simulator push reports to the hub? otherwise --skip-reports)`,
      );
    }
    try {
      return JSON.parse(received.text) as unknown;
    } catch {
      return received.text;
    }
  } finally {
    await adapter.unbind(call, [deviceId]).catch(() => undefined);
  }
}

const env: ConformanceEnv = {
  platform,
  makeCall,
  deviceIds,
  unknownDeviceId: values["unknown-device"] ?? `${code}010200199UNKNOWN`,
  ...(values["skip-reports"] ? {} : { nativeReport }),
  teardown: async () => undefined,
};

const mark = { pass: "PASS", fail: "FAIL", skip: "SKIP" } as const;
const print = (result: CheckResult) => {
  const detail = result.detail ? `\n       ${result.detail}` : "";
  process.stdout.write(`  ${mark[result.outcome]}  ${result.name}${detail}\n`);
};
process.stdout.write(
  `adapter "${adapter.name}" (contract ${adapter.contractVersion}) from ${spec}\n` +
    `simulator ${sim}; hub stand-in ${stub.verifyUrl.replace(/\/v1\/user\/verify$/, "")}\n`,
);
const results = await runConformanceChecks(adapter, env, { timeoutMs, onResult: print });
const count = (outcome: CheckResult["outcome"]) => results.filter((r) => r.outcome === outcome).length;
process.stdout.write(`${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped\n`);
await http.close();
await stub.close();
process.exit(count("fail") > 0 ? 1 : 0);
