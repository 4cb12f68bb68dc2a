import type { DeviceInfo } from "@yunlian/protocol";
import type { z } from "zod";
import type { VendorHttp } from "./http.ts";

/** A registered vendor cloud as the hub knows it (the slice an adapter needs). */
export interface VendorPlatform {
  platId: string;
  /** Base URL including the API version, e.g. `https://vendor.example/v1`. */
  apiBaseUrl: string;
  /** The AppID the vendor issued to the hub, sent in the `AppID` header when set. */
  vendorAppId?: string | null;
  /** Adapter-specific settings, validated by the adapter's `configSchema`. */
  adapterConfig: unknown;
  manufacturerCodes: readonly string[];
}

/** What the vendor gave the hub for one hub user after the login handshake. */
export interface VendorSession {
  vendorUserId: string;
  accessToken: string;
}

/** Persistence of one (hub user × vendor) session; the hub stores it encrypted. */
export interface SessionStore {
  load(): Promise<VendorSession | undefined>;
  /**
   * The session `load` would answer, when the store holds it in memory; undefined when it does
   * not know without I/O (then `load` is asked). Optional: it spares the call on every vendor
   * request (withSession) a wait for a value that is already at hand.
   */
  cached?(): VendorSession | undefined;
  save(session: VendorSession): Promise<void>;
  clear(): Promise<void>;
}

/** Everything one adapter call needs; built by the hub per request. */
export interface AdapterCall {
  platform: VendorPlatform;
  hub: { platId: string };
  /** The hub user; sent to the vendor as loginID. */
  user: { userId: string };
  sessions: SessionStore;
  /** A fresh short-lived hub-issued AuthToken the vendor verifies at the hub's /v1/user/verify. */
  issueAuthToken(): Promise<string>;
  http: VendorHttp;
  requestId?: string;
  signal?: AbortSignal;
}

export interface DeviceCommand {
  deviceId: string;
  attrs: Record<string, string>;
}

export interface DeviceState {
  deviceId: string;
  attrs: Record<string, string>;
}

export type ReportDataType = "attr" | "alarm" | "onOffline";

export interface NormalisedReport {
  /** The device; "" when the adapter could only give `vendorDeviceId`. */
  udeviceId: string;
  /**
   * Set when the vendor names the device by its own ID, the UDeviceID's vendor part (adapterConfig
   * deviceIds "vendor"): the hub maps it to the UDeviceID an app bound (through the vendor's
   * manufacturer codes and its bindings) before anything is stored, and refuses the report when
   * no bound device has it. The adapter leaves `udeviceId` "" then.
   */
  vendorDeviceId?: string;
  dataType: ReportDataType;
  deviceStatus: Record<string, string>;
  /** Epoch milliseconds as a decimal string, as the standard sends it. */
  timestamp: string;
}

export interface BindResult {
  failedIds: string[];
  info?: string;
}

/**
 * The one interface a vendor plugs in. Methods that talk to the vendor are expected to be wrapped
 * in `withSession` by the adapter itself, so the hub only ever hands over an `AdapterCall`.
 * `login` does not persist the session: `withSession` does.
 */
export interface Adapter<Config = unknown> {
  readonly name: string;
  /**
   * The adapter contract version this adapter was built against (ADAPTER_CONTRACT_VERSION of the
   * SDK it was compiled with). Required for adapter packages loaded by name (HUB_ADAPTERS); the
   * hub's built-in adapters ship with the SDK and may leave it out.
   */
  readonly contractVersion?: string;
  readonly configSchema: z.ZodType<Config>;
  login(call: AdapterCall): Promise<VendorSession>;
  logout(call: AdapterCall): Promise<void>;
  unregister(call: AdapterCall): Promise<void>;
  bind(call: AdapterCall, deviceIds: string[]): Promise<BindResult>;
  unbind(call: AdapterCall, deviceIds: string[]): Promise<BindResult>;
  listDevices(call: AdapterCall, filter?: Partial<DeviceInfo>): Promise<DeviceInfo[]>;
  deviceInfo(call: AdapterCall, deviceIds: string[]): Promise<DeviceInfo[]>;
  modifyDeviceInfo(call: AdapterCall, devices: DeviceInfo[]): Promise<void>;
  /** States in request order. */
  deviceStatus(call: AdapterCall, deviceIds: string[]): Promise<DeviceState[]>;
  op(call: AdapterCall, commands: DeviceCommand[]): Promise<void>;
  /** The vendor's own report body → normalised reports; throws AdapterError("invalid") on bad input. */
  parseReport(platform: VendorPlatform, body: unknown): NormalisedReport[];
}
