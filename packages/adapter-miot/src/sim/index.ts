import { randomUUID } from "node:crypto";
import { createHang, listen, type PostResult, postToHub } from "@yunlian/adapter-sdk/sim-kit";
import { Hono } from "hono";
import type { MiotPush } from "../wire.ts";
import { oauthRoutes } from "./oauth.ts";
import { deviceRoutes } from "./routes.ts";
import { defaultMiotDevices, type SimDeviceSeed } from "./spec.ts";
import { MiotCloudState, type SimMiotDevice } from "./state.ts";

export { defaultMiotDevices, miotSimAdapterConfig, SIM_MODELS, type SimDeviceSeed } from "./spec.ts";

export interface MiotSimOptions {
  /** The simulator's PlatID at the hub (PlatID header of pushes and verify calls). */
  platId?: string;
  /** Manufacturer code of the UDeviceIDs in `deviceIds` (default 000021). */
  manufacturerCode?: string;
  /** OAuth clients: client_id → client_secret (default { "yunlian-hub": "miot-sim-secret" }). */
  clients?: Record<string, string>;
  devices?: SimDeviceSeed[];
  /** The hub's /v1/user/verify; when set, the token endpoint asks the hub to vouch for the user. */
  verifyUrl?: string;
  /** Where pushes go: the hub's /v1/dataservices/dataGateway. */
  pushUrl?: string;
  /** Hub-issued appSecret: pushes and verify calls are signed (Standard Webhooks) when set. */
  appSecret?: string;
  /** Push properties_changed after a successful set, as a real device does (default false). */
  pushOnSet?: boolean;
  tokenTtlSeconds?: number;
  port?: number;
  hostname?: string;
}

/** Device type key (BBCCC) of each simulated model: how the sim names its devices by UDeviceID. */
const MODEL_TYPES: Record<string, string> = {
  "yunlian.washer.sim1": "02002",
  "yunlian.aircon.sim1": "03001",
};

export async function startMiotSim(opts: MiotSimOptions = {}) {
  const platId = opts.platId ?? "VENDOR-MIOT";
  const manufacturerCode = opts.manufacturerCode ?? "000021";
  const state = new MiotCloudState(
    opts.devices ?? defaultMiotDevices(),
    (opts.tokenTtlSeconds ?? 7200) * 1000,
  );
  const link = { platId, appSecret: opts.appSecret };
  const pushes: { body: MiotPush; delivery?: PostResult }[] = [];
  const hang = createHang();

  const buildPush = (device: SimMiotDevice, method: MiotPush["method"], keys: string[]): MiotPush => ({
    id: randomUUID(),
    method,
    did: device.did,
    model: device.model,
    time: Date.now(),
    params: keys.map((key) => {
      const [siid, piid] = key.split(".").map(Number);
      return { siid: siid ?? 0, piid: piid ?? 0, value: device.props.get(key) };
    }),
  });
  const push = async (body: MiotPush) => {
    const entry: { body: MiotPush; delivery?: PostResult } = { body };
    if (opts.pushUrl) entry.delivery = await postToHub(opts.pushUrl, body, link);
    pushes.push(entry);
    return entry;
  };
  const device = (did: string) => {
    const found = state.devices.get(did);
    if (found === undefined) throw new Error(`miot-sim: unknown device ${did}`);
    return found;
  };

  const app = new Hono();
  app.use("*", hang.middleware);
  app.route(
    "/",
    oauthRoutes(state, {
      clients: opts.clients ?? { "yunlian-hub": "miot-sim-secret" },
      verifyUrl: opts.verifyUrl,
      link,
    }),
  );
  app.route(
    "/",
    deviceRoutes(state, (d, keys) => {
      // Fire and forget: the set's answer must not wait on the hub's ingest.
      if (opts.pushOnSet) push(buildPush(d, "properties_changed", keys)).catch(() => undefined);
    }),
  );
  const server = await listen(app, opts.port, opts.hostname);

  const udidOf = (did: string) => `${manufacturerCode}01${MODEL_TYPES[device(did).model] ?? "99099"}${did}`;
  return {
    /** The apiBaseUrl to register at the hub. */
    url: server.origin,
    port: server.port,
    platId,
    manufacturerCode,
    state,
    pushes,
    /** The UDeviceIDs of the simulated devices, in seed order. */
    deviceIds: [...state.devices.keys()].map(udidOf),
    udidOf,
    didOf: (udid: string) => udid.slice(13),
    invalidateTokens: () => state.invalidateTokens(),
    setHanging: (on: boolean) => hang.set(on),
    /** A change made at the appliance: props ("siid.piid" → value) change and properties_changed is pushed. */
    changeAtAppliance(did: string, props: Record<string, unknown>) {
      const d = device(did);
      for (const [key, value] of Object.entries(props)) d.props.set(key, value);
      return push(buildPush(d, "properties_changed", Object.keys(props)));
    },
    setOnline(did: string, online: boolean) {
      const d = device(did);
      d.online = online;
      return push(buildPush(d, online ? "device_online" : "device_offline", []));
    },
    close: async () => {
      hang.set(false);
      await server.close();
    },
  };
}

export type MiotSim = Awaited<ReturnType<typeof startMiotSim>>;
