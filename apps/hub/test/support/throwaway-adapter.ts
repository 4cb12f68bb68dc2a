import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const sdkRoot = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "..",
  "packages",
  "adapter-sdk",
);

export interface ThrowawayOptions {
  /** The package's name in package.json (default `acme-yunlian-adapter-<name>`). */
  packageName?: string;
  /** The adapter's name, as platforms name it in `adapter`. */
  adapterName: string;
  contractVersion?: string;
  /** Methods left out of the adapter (a broken package). */
  omit?: string[];
  /** The module throws while it is imported (a broken package). */
  throwAtImport?: string;
  /** bind and unbind never report failed ids (an adapter that loads but does not conform). */
  hidesFailedIds?: boolean;
  /**
   * In the hub process with this HUB_PROCESS_INDEX, the import waits until `file` exists: a test
   * holds that process in its start (the hub loads adapters before anything else) for as long as
   * it needs.
   */
  holdStartOf?: { processIndex: number; file: string };
}

/**
 * Writes an adapter package as a vendor outside this repository would: plain ESM JavaScript, a
 * package.json and index.js in a fresh folder under the system's temporary directory, outside the
 * workspace. It gets the SDK the way `npm install @yunlian/adapter-sdk zod` would give it:
 * node_modules/@yunlian/adapter-sdk is a symlink to the built package (Node resolves it through its
 * `exports` map to dist/, exactly what a published tarball contains), node_modules/zod to the zod the
 * SDK itself uses. Nothing else of the workspace is reachable from there. The adapter speaks the
 * standard's B-side interfaces, so it runs against packages/vendor-sim's device cloud.
 * Returns the package folder.
 */
export function writeThrowawayAdapter(options: ThrowawayOptions): string {
  const packageName = options.packageName ?? `acme-yunlian-adapter-${options.adapterName}`;
  return writeAdapterPackage(
    JSON.stringify(
      {
        name: packageName,
        version: "1.0.0",
        type: "module",
        exports: { ".": "./index.js" },
        peerDependencies: { "@yunlian/adapter-sdk": "^0.1.0", zod: "^4" },
      },
      null,
      2,
    ),
    adapterSource(options),
  );
}

/**
 * An operator's folder with an adapter package installed in node_modules, as `npm install
 * <packageName>` would leave it; a hub started from there (INIT_CWD) loads it by name
 * (HUB_ADAPTERS names the package, not a path). Returns the folder; the caller removes it.
 */
export function operatorFolderWith(packageName: string, packageDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), "yunlian-operator-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(packageDir, join(dir, "node_modules", packageName), "dir");
  return dir;
}

/**
 * A code block of the SDK's README ("write an adapter in 30 minutes"): the first ```lang block
 * after the line that contains `after`, so tests run what the README prints instead of a copy.
 */
export function sdkReadmeBlock(lang: string, after: string): string {
  const readme = readFileSync(join(sdkRoot, "README.md"), "utf8");
  const fence = `\n\`\`\`${lang}\n`;
  const marker = readme.indexOf(after);
  const open = marker < 0 ? -1 : readme.indexOf(fence, marker);
  const end = open < 0 ? -1 : readme.indexOf("\n```", open + fence.length - 1);
  if (end < 0) throw new Error(`packages/adapter-sdk/README.md: no \`\`\`${lang} block after "${after}"`);
  return readme.slice(open + fence.length, end + 1);
}

/** The same, with the package's two files as given (e.g. the README's worked example). */
export function writeAdapterPackage(packageJson: string, indexJs: string): string {
  const dir = mkdtempSync(join(tmpdir(), "yunlian-adapter-pkg-"));
  writeFileSync(join(dir, "package.json"), packageJson);
  writeFileSync(join(dir, "index.js"), indexJs);
  mkdirSync(join(dir, "node_modules", "@yunlian"), { recursive: true });
  symlinkSync(sdkRoot, join(dir, "node_modules", "@yunlian", "adapter-sdk"), "dir");
  const zod = dirname(createRequire(join(sdkRoot, "package.json")).resolve("zod/package.json"));
  symlinkSync(realpathSync(zod), join(dir, "node_modules", "zod"), "dir");
  return dir;
}

function adapterSource(options: ThrowawayOptions): string {
  const omitted = JSON.stringify(options.omit ?? []);
  const thrown = options.throwAtImport ? `throw new Error(${JSON.stringify(options.throwAtImport)});\n` : "";
  const hold = options.holdStartOf
    ? `if (process.env.HUB_PROCESS_INDEX === "${options.holdStartOf.processIndex}") {
  const { existsSync } = await import("node:fs");
  while (!existsSync(${JSON.stringify(options.holdStartOf.file)})) await new Promise((r) => setTimeout(r, 50));
}
`
    : "";
  return `// A vendor's adapter written outside the Yunlian repository: the standard's interfaces, plain JS.
import { AdapterError, withSession } from "@yunlian/adapter-sdk";
import { z } from "zod";
${thrown}${hold}
const configSchema = z.object({ timeoutMs: z.number().int().positive().optional() });

async function post(call, api, body, accessToken) {
  const headers = { PlatID: call.hub.platId };
  if (call.platform.vendorAppId) headers.AppID = call.platform.vendorAppId;
  if (accessToken) headers.AccessToken = accessToken;
  const url = call.platform.apiBaseUrl.replace(/\\/$/, "") + "/" + api;
  const res = await call.http.postJson(url, body, { headers, signal: call.signal });
  let answer;
  try {
    answer = JSON.parse(res.text);
  } catch {
    throw new AdapterError("bad_response", api + ": HTTP " + res.status + ", not JSON");
  }
  if (res.status === 401 || answer.RetCode === "401") throw new AdapterError("unauthorized", api + ": token rejected", "401");
  if (answer.RetCode !== "200") throw new AdapterError("rejected", api + ": " + answer.RetInfo, answer.RetCode);
  return { answer, headers: res.headers };
}

async function login(call) {
  const AuthToken = await call.issueAuthToken();
  const { answer, headers } = await post(call, "user/login", { User: [{ UserBase: { loginID: call.user.userId } }], AuthToken });
  const vendorUserId = answer.User?.[0]?.UserBase?.userID;
  if (!vendorUserId || !headers.accesstoken) throw new AdapterError("bad_response", "user/login: no userID or AccessToken");
  return { vendorUserId, accessToken: headers.accesstoken };
}

const session = (call, api, body) =>
  withSession(call, { login }, async (s) => (await post(call, api, { UserID: s.vendorUserId, ...body }, s.accessToken)).answer);
const named = (ids) => ids.map((deviceID) => ({ DeviceInfo: { deviceID } }));
const failed = (answer) => (${options.hidesFailedIds ? "true" : "false"} ? { failedIds: [] } : answer.FailedIDs?.length ? { failedIds: answer.FailedIDs, info: answer.RetInfo } : { failedIds: [] });

const adapter = {
  name: ${JSON.stringify(options.adapterName)},
  contractVersion: ${JSON.stringify(options.contractVersion ?? "1.0.0")},
  configSchema,
  login,
  async logout(call) {
    const s = await call.sessions.load();
    try {
      if (s) await post(call, "user/logout", {}, s.accessToken);
    } catch {
      // best effort
    } finally {
      await call.sessions.clear();
    }
  },
  async unregister(call) {
    await session(call, "user/unregister", { User: [{ UserBase: { loginID: call.user.userId, status: "2" } }] });
    await call.sessions.clear();
  },
  bind: async (call, ids) => failed(await session(call, "user/bindDevices", { Device: named(ids) })),
  unbind: async (call, ids) => failed(await session(call, "user/unbindDevices", { Device: named(ids) })),
  async listDevices(call, filter) {
    const body = filter && Object.keys(filter).length > 0 ? { Device: [{ DeviceInfo: filter }] } : {};
    return (await session(call, "users/devices", body)).Device.map((d) => d.DeviceInfo);
  },
  deviceInfo: async (call, ids) => (await session(call, "devices/deviceInfo", { Device: named(ids) })).Device.map((d) => d.DeviceInfo),
  async modifyDeviceInfo(call, devices) {
    await session(call, "devices/modifyDeviceInfo", { Device: devices.map((DeviceInfo) => ({ DeviceInfo })) });
  },
  async deviceStatus(call, ids) {
    const answer = await session(call, "devices/deviceStatus", { Device: named(ids) });
    const byId = new Map(answer.Device.map((d) => [d.DeviceInfo.deviceID, d.DeviceAttr ?? {}]));
    return ids.map((deviceId) => {
      if (!byId.has(deviceId)) throw new AdapterError("bad_response", "deviceStatus: no state for " + deviceId);
      return { deviceId, attrs: byId.get(deviceId) };
    });
  },
  async op(call, commands) {
    await session(call, "devices/op", { Device: commands.map((c) => ({ DeviceInfo: { deviceID: c.deviceId }, DeviceAttr: c.attrs })) });
  },
  parseReport(platform, body) {
    let r = body;
    if (typeof body === "string") {
      try {
        r = JSON.parse(body);
      } catch {
        throw new AdapterError("invalid", "report is not JSON");
      }
    }
    if (!r || typeof r.DeviceID !== "string" || typeof r.DeviceStatus !== "object" || !/^\\d+$/.test(String(r.TimeStamp))) {
      throw new AdapterError("invalid", "not a status report");
    }
    return [{ udeviceId: r.DeviceID, dataType: r.DataType ?? "attr", deviceStatus: r.DeviceStatus, timestamp: String(r.TimeStamp) }];
  },
};
for (const method of ${omitted}) delete adapter[method];

export default adapter;
`;
}
