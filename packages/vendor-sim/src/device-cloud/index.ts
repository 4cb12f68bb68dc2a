import { defaultDevices, type SimDevice, type SimDeviceSeed } from "../devices.ts";
import { createHangPool, listen } from "../shared/server.ts";
import { postJson, type SimPostResult } from "../shared/sign.ts";
import { type CloudMode, createDeviceCloudApp, type ReceivedCall } from "./app.ts";
import { type DeviceIdMode, wireIds } from "./device-ids.ts";
import { type DeviceStatusForm, type SimReport, wireReport } from "./report.ts";
import { CloudState } from "./state.ts";
import { hubHeaders } from "./user-routes.ts";

export type { DeviceIdMode } from "./device-ids.ts";
export type { DeviceStatusForm, SimReport } from "./report.ts";

export interface DeviceCloudOptions {
  platId: string;
  manufacturerCode: string;
  /** The A side's verify URL (the hub's `/v1/user/verify`). */
  verifyUrl: string;
  devices?: SimDeviceSeed[];
  port?: number;
  /** Interface to listen on (default 127.0.0.1; `0.0.0.0` in containers). */
  hostname?: string;
  /** The hub-issued AppID, sent in the AppID header of every call to the hub (mode none requires it). */
  appId?: string;
  /**
   * The hub-issued appSecret: when set, verify calls and reports carry Standard Webhooks signatures
   * over method, path and body (docs/design.md §7). This cloud receives no webhooks from the hub,
   * so it holds no webhookSecret.
   */
  appSecret?: string;
  /** Where status reports go (the hub's `/v1/dataservices/dataGateway`). */
  hubDataGatewayUrl?: string;
  /**
   * Where status reports go when set (wins over `hubDataGatewayUrl`): the vendor's own `ingestUrl`
   * the hub gave it (DESIGN §7), which names the vendor, so a report needs no header.
   */
  ingestUrl?: string;
  /**
   * A cloud built to the letter of the standard (src/device-cloud/strict.ts, README "Strict mode"):
   * RetCode "200"/"500" only with Chinese RetInfo, HTTP 200 always, `{"RetCode":"500","RetInfo":
   * "AccessToken 已失效"}` for an expired or unknown session, the examples' stray-space keys, no
   * deviceID echo in deviceStatus answers, and reports with no header at all (table 50). A strict
   * cloud signs nothing (the standard has no signatures), so `appSecret` is refused with it.
   */
  strict?: boolean;
  /** AccessTokens expire this many milliseconds after login (default: never). */
  sessionTtlMs?: number;
  /** The clock sessions age by (tests move it instead of waiting; default Date.now). */
  now?: () => number;
  /** `vendor`: name devices by the UDeviceID's vendor part in answers and reports, accept it in requests. */
  deviceIds?: DeviceIdMode;
  /** `string`: reports carry DeviceStatus as a JSON string (table 50 types it String); default object. */
  deviceStatusAs?: DeviceStatusForm;
  /** Report the state an op changed, as a physical device would (default false: benchmarks measure op alone). */
  reportOnOp?: boolean;
  /** Keep every received request in `calls` (default true; benchmarks turn it off). */
  recordCalls?: boolean;
  /** Faults a certification test injects (each breaks exactly one clause of the standard). */
  faults?: CloudFaults;
}

export interface CloudFaults {
  /** user/bindDevices answers `FailedIDs: []` whatever failed (7.2.1). */
  wrongFailedIds?: boolean;
  /** user/login skips the verify callback (7.1.4) and logs anyone in. */
  noVerifyCallback?: boolean;
}

export interface DeviceCloud {
  /** Base URL including `/v1`. */
  url: string;
  port: number;
  platId: string;
  devices: Map<string, SimDevice>;
  calls: ReceivedCall[];
  invalidateTokens(): void;
  setMode(mode: CloudMode): void;
  /** Holds every answer back this long (a slow but working cloud); 0 turns it off. */
  setDelay(ms: number): void;
  /** Changes state as a user at the appliance would; reports it when `hubDataGatewayUrl` is set. */
  setDeviceAttrs(udid: string, attrs: Record<string, string>): Promise<SimPostResult | undefined>;
  /** Changes state and reports nothing: a report lost on the vendor's side (what reconciliation repairs). */
  setDeviceAttrsSilently(udid: string, attrs: Record<string, string>): void;
  /** Forgets every user's binding of the device on the cloud's side only (a binding the vendor dropped). */
  dropBindings(udid: string): void;
  /**
   * POSTs a report to `ingestUrl` or `hubDataGatewayUrl` (missing fields filled: attr, the device's
   * state, now). `DeviceID` is the UDeviceID; the body names it the cloud's way (`deviceIds`).
   */
  pushReport(report: Partial<SimReport> & { DeviceID: string }): Promise<SimPostResult>;
  /** The body `pushReport` would send, for tests that need a native report without a receiver. */
  buildReport(report: Partial<SimReport> & { DeviceID: string }): Record<string, unknown>;
  /** Where reports go (`ingestUrl`, else `hubDataGatewayUrl`). */
  reportUrl: string | undefined;
  close(): Promise<void>;
}

export async function startDeviceCloud(opts: DeviceCloudOptions): Promise<DeviceCloud> {
  const strict = opts.strict === true;
  if (strict && opts.appSecret !== undefined) {
    throw new Error(
      "vendor-sim: a strict cloud signs nothing (the standard has no signatures); drop appSecret",
    );
  }
  const state = new CloudState(opts.devices ?? defaultDevices(opts.manufacturerCode), {
    ttlMs: opts.sessionTtlMs,
    now: opts.now ?? Date.now,
  });
  const ids = wireIds(opts.deviceIds, state.devices.keys());
  const calls: ReceivedCall[] = [];
  const hang = createHangPool();
  let mode: CloudMode = "normal";
  let delayMs = 0;
  const reportUrl = opts.ingestUrl ?? opts.hubDataGatewayUrl;

  const buildReport = (r: Partial<SimReport> & { DeviceID: string }) =>
    wireReport(
      {
        DeviceID: ids.outbound(r.DeviceID),
        DataType: r.DataType ?? "attr",
        DeviceStatus: r.DeviceStatus ?? { ...state.devices.get(r.DeviceID)?.attrs },
        TimeStamp: r.TimeStamp ?? String(Date.now()),
      },
      strict,
      opts.deviceStatusAs ?? "object",
    );
  const pushReport = (r: Partial<SimReport> & { DeviceID: string }): Promise<SimPostResult> => {
    if (reportUrl === undefined) throw new Error("vendor-sim: no ingestUrl or hubDataGatewayUrl configured");
    // Table 50 lists body parameters only and its examples show no header block: a strict report
    // carries no PlatID, AppID, signature, not even Content-Type.
    return postJson(reportUrl, buildReport(r), {
      headers: strict ? {} : hubHeaders(opts),
      appSecret: strict ? undefined : opts.appSecret,
      bare: strict,
    });
  };

  const app = createDeviceCloudApp({
    platId: opts.platId,
    verifyUrl: opts.verifyUrl,
    appId: opts.appId,
    appSecret: opts.appSecret,
    state,
    calls,
    recordCalls: opts.recordCalls ?? true,
    mode: () => mode,
    delayMs: () => delayMs,
    hang,
    strict,
    ids,
    skipVerify: opts.faults?.noVerifyCallback === true,
    wrongFailedIds: opts.faults?.wrongFailedIds === true,
    onOpApplied: (changes) => {
      if (!opts.reportOnOp || reportUrl === undefined) return;
      for (const change of changes) {
        // Fire and forget: the op's answer must not wait on the hub's ingest.
        pushReport({ DeviceID: change.id, DeviceStatus: change.attrs }).catch(() => undefined);
      }
    },
  });
  const server = await listen(app, opts.port, opts.hostname);

  return {
    url: `${server.origin}/v1`,
    port: server.port,
    platId: opts.platId,
    devices: state.devices,
    calls,
    invalidateTokens: () => state.invalidateTokens(),
    setMode: (next) => {
      mode = next;
      if (next !== "hang" && next !== "hold") hang.releaseAll();
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    setDeviceAttrs: async (udid, attrs) => {
      const device = state.devices.get(udid);
      if (device === undefined) throw new Error(`vendor-sim: unknown device ${udid}`);
      Object.assign(device.attrs, attrs);
      if (reportUrl === undefined) return undefined;
      return pushReport({ DeviceID: udid, DeviceStatus: { ...attrs } });
    },
    setDeviceAttrsSilently: (udid, attrs) => {
      const device = state.devices.get(udid);
      if (device === undefined) throw new Error(`vendor-sim: unknown device ${udid}`);
      Object.assign(device.attrs, attrs);
    },
    dropBindings: (udid) => {
      state.bindings.delete(udid);
    },
    pushReport,
    buildReport,
    reportUrl,
    close: async () => {
      hang.releaseAll();
      await server.close();
    },
  };
}
