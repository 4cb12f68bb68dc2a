import { defaultDevices, type SimDevice, type SimDeviceSeed } from "../devices.ts";
import { createHangPool, listen } from "../shared/server.ts";
import { postJson, type SimPostResult } from "../shared/sign.ts";
import { type CloudMode, createDeviceCloudApp, type ReceivedCall } from "./app.ts";
import { CloudState } from "./state.ts";
import { hubHeaders } from "./user-routes.ts";

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
  /** Report the state an op changed, as a physical device would (default false: benchmarks measure op alone). */
  reportOnOp?: boolean;
  /** Keep every received request in `calls` (default true; benchmarks turn it off). */
  recordCalls?: boolean;
}

/** The standard's status report body (7.2.8). */
export interface SimReport {
  DeviceID: string;
  DataType: "attr" | "alarm" | "onOffline";
  DeviceStatus: Record<string, string>;
  TimeStamp: string;
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
  /** POSTs a report to `hubDataGatewayUrl` (missing fields filled: attr, the device's state, now). */
  pushReport(report: Partial<SimReport> & { DeviceID: string }): Promise<SimPostResult>;
  /** The body `pushReport` would send, for tests that need a native report without a receiver. */
  buildReport(report: Partial<SimReport> & { DeviceID: string }): SimReport;
  close(): Promise<void>;
}

export async function startDeviceCloud(opts: DeviceCloudOptions): Promise<DeviceCloud> {
  const state = new CloudState(opts.devices ?? defaultDevices(opts.manufacturerCode));
  const calls: ReceivedCall[] = [];
  const hang = createHangPool();
  let mode: CloudMode = "normal";
  let delayMs = 0;

  const buildReport = (r: Partial<SimReport> & { DeviceID: string }): SimReport => ({
    DeviceID: r.DeviceID,
    DataType: r.DataType ?? "attr",
    DeviceStatus: r.DeviceStatus ?? { ...state.devices.get(r.DeviceID)?.attrs },
    TimeStamp: r.TimeStamp ?? String(Date.now()),
  });
  const pushReport = (r: Partial<SimReport> & { DeviceID: string }): Promise<SimPostResult> => {
    if (opts.hubDataGatewayUrl === undefined) throw new Error("vendor-sim: no hubDataGatewayUrl configured");
    return postJson(opts.hubDataGatewayUrl, buildReport(r), {
      headers: hubHeaders(opts),
      appSecret: opts.appSecret,
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
    onOpApplied: (changes) => {
      if (!opts.reportOnOp || opts.hubDataGatewayUrl === undefined) return;
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
      if (next !== "hang") hang.releaseAll();
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    setDeviceAttrs: async (udid, attrs) => {
      const device = state.devices.get(udid);
      if (device === undefined) throw new Error(`vendor-sim: unknown device ${udid}`);
      Object.assign(device.attrs, attrs);
      if (opts.hubDataGatewayUrl === undefined) return undefined;
      return pushReport({ DeviceID: udid, DeviceStatus: { ...attrs } });
    },
    pushReport,
    buildReport,
    close: async () => {
      hang.releaseAll();
      await server.close();
    },
  };
}
