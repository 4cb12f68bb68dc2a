import { randomUUID } from "node:crypto";
import { createHang, listen, type PostResult, postToHub } from "@yunlian/adapter-sdk/sim-kit";
import { Hono } from "hono";
import { TuyaCode } from "../codes.ts";
import type { TuyaBizPush, TuyaPush, TuyaStatusPush } from "../wire.ts";
import { fail, signatureGuard } from "./guard.ts";
import { tuyaRoutes } from "./routes.ts";
import { defaultTuyaDevices, type SimDeviceSeed } from "./spec.ts";
import { type SimTuyaDevice, TuyaCloudState } from "./state.ts";

export {
  acceptsValue,
  defaultTuyaDevices,
  SIM_PRODUCTS,
  type SimDeviceSeed,
  tuyaSimAdapterConfig,
} from "./spec.ts";

export interface TuyaSimOptions {
  /** The simulator's PlatID at the hub (PlatID header of pushes). */
  platId?: string;
  /** Manufacturer code of the UDeviceIDs in `deviceIds` (default 000022). */
  manufacturerCode?: string;
  /** Cloud projects: client_id → secret (default { "yunlian-hub-tuya": "tuya-sim-secret" }). */
  clients?: Record<string, string>;
  devices?: SimDeviceSeed[];
  /** Where pushes go: the hub's /v1/dataservices/dataGateway. */
  pushUrl?: string;
  /** Hub-issued appSecret: pushes carry Standard Webhooks signatures when set. */
  appSecret?: string;
  /** Push a status message after a successful command, as a real device does (default false). */
  pushOnCommand?: boolean;
  tokenTtlSeconds?: number;
  /** How far `t` may be from the sim's clock (default 5 minutes). */
  maxSkewMs?: number;
  port?: number;
  hostname?: string;
}

const PRODUCT_TYPES: Record<string, string> = { ylwash01sim: "02002", ylac01sim: "03001" };

export async function startTuyaSim(opts: TuyaSimOptions = {}) {
  const platId = opts.platId ?? "VENDOR-TUYA";
  const manufacturerCode = opts.manufacturerCode ?? "000022";
  const state = new TuyaCloudState(
    opts.devices ?? defaultTuyaDevices(),
    (opts.tokenTtlSeconds ?? 7200) * 1000,
  );
  const link = { platId, appSecret: opts.appSecret };
  const pushes: { body: TuyaPush; delivery?: PostResult }[] = [];
  /** Every request that passed or failed the guard: method, path (tests count token calls). */
  const calls: { method: string; path: string }[] = [];
  const hang = createHang();

  const statusPush = (d: SimTuyaDevice, codes: string[]): TuyaStatusPush => ({
    dataId: randomUUID(),
    devId: d.id,
    productKey: d.productId,
    status: codes.map((code) => ({ code, value: d.status.get(code), t: Date.now() })),
  });
  const push = async (body: TuyaPush) => {
    const entry: { body: TuyaPush; delivery?: PostResult } = { body };
    if (opts.pushUrl) entry.delivery = await postToHub(opts.pushUrl, body, link);
    pushes.push(entry);
    return entry;
  };
  const device = (id: string) => {
    const found = state.devices.get(id);
    if (found === undefined) throw new Error(`tuya-sim: unknown device ${id}`);
    return found;
  };

  const app = new Hono();
  app.use("*", async (c, next) => {
    calls.push({ method: c.req.method, path: new URL(c.req.url).pathname });
    await next();
  });
  app.use("*", hang.middleware);
  app.use(
    "*",
    signatureGuard(
      state,
      opts.clients ?? { "yunlian-hub-tuya": "tuya-sim-secret" },
      opts.maxSkewMs ?? 300_000,
    ),
  );
  app.route(
    "/",
    tuyaRoutes(state, (d, codes) => {
      // Fire and forget: the command's answer must not wait on the hub's ingest.
      if (opts.pushOnCommand) push(statusPush(d, codes)).catch(() => undefined);
    }),
  );
  app.notFound((c) => fail(c, TuyaCode.URI_INVALID, "uri path invalid"));
  const server = await listen(app, opts.port, opts.hostname);

  const udidOf = (id: string) =>
    `${manufacturerCode}01${PRODUCT_TYPES[device(id).productId] ?? "99099"}${id}`;
  return {
    /** The apiBaseUrl to register at the hub. */
    url: server.origin,
    port: server.port,
    platId,
    manufacturerCode,
    state,
    calls,
    pushes,
    deviceIds: [...state.devices.keys()].map(udidOf),
    udidOf,
    idOf: (udid: string) => udid.slice(13),
    invalidateTokens: () => state.invalidateTokens(),
    setHanging: (on: boolean) => hang.set(on),
    /** A change at the appliance: DPs (code → value) change and a status message is pushed. */
    changeAtAppliance(id: string, dps: Record<string, unknown>) {
      const d = device(id);
      for (const [code, value] of Object.entries(dps)) d.status.set(code, value);
      return push(statusPush(d, Object.keys(dps)));
    },
    setOnline(id: string, online: boolean) {
      const d = device(id);
      d.online = online;
      const body: TuyaBizPush = {
        bizCode: online ? "online" : "offline",
        devId: id,
        productKey: d.productId,
        bizData: { time: Date.now() },
      };
      return push(body);
    },
    close: async () => {
      hang.set(false);
      await server.close();
    },
  };
}

export type TuyaSim = Awaited<ReturnType<typeof startTuyaSim>>;
