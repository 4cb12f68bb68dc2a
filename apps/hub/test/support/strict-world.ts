import {
  type AppPlatform,
  type DeviceCloud,
  type DeviceIdMode,
  type DeviceStatusForm,
  type HubClient,
  type LinkageRule,
  type SimPostResult,
  startAppPlatform,
  startDeviceCloud,
} from "@yunlian/vendor-sim";
import { adminClient } from "./client.ts";
import { freePort, postgresOrSkip, type Storage, startTestHub, type TestHub } from "./harness.ts";
import { addVendor, type Vendor } from "./world.ts";

/** A device cloud built to the letter of the standard (vendor-sim strict mode), registered at the hub. */
interface StrictVendor {
  platId: string;
  code: string;
  cloud: DeviceCloud;
  /** The full ingestUrl the cloud reports to (the hub's answer, put behind the test hub's URL). */
  ingestUrl: string;
  deviceIds: string[];
}

/** Issue 15's world: a strict app platform, strict clouds (one naming devices its own way), one hub. */
export interface StrictWorld {
  hub: TestHub;
  admin: ReturnType<typeof adminClient>;
  app: AppPlatform;
  /** The strict app's own client of the hub: PlateID, AuthToken in the header, no signature. */
  client: HubClient;
  /** A: UDeviceIDs, DeviceStatus as a JSON string. B: its own device IDs (adapterConfig and cloud). */
  vendors: [StrictVendor, StrictVendor];
  /** The clouds' session clock: moving it on expires their sessions without waiting. */
  clock: { advance(ms: number): void };
  /** Adds an ordinary (lenient, signing) vendor-sim behind the same hub. */
  addLenientVendor(platId: string, code: string): Promise<Vendor>;
  close(): Promise<void>;
}

/** The strict clouds' session lifetime: the clock is moved past it to expire every session. */
export const SESSION_TTL_MS = 30 * 60_000;

/** What a strict platform gets back from the hub: HTTP status (always 200 here), RetCode, body. */
export interface StrictAnswer {
  status: number;
  retCode: string | undefined;
  body: Record<string, unknown>;
}

export function answerOf(res: SimPostResult): StrictAnswer {
  const body = (res.json ?? {}) as Record<string, unknown>;
  return { status: res.status, retCode: typeof body.RetCode === "string" ? body.RetCode : undefined, body };
}

async function addStrictVendor(
  hub: TestHub,
  admin: ReturnType<typeof adminClient>,
  opts: {
    platId: string;
    code: string;
    deviceIds: DeviceIdMode;
    deviceStatusAs: DeviceStatusForm;
    now: () => number;
  },
): Promise<StrictVendor> {
  const port = await freePort();
  const reg = await admin.post("/admin/v1/platforms", {
    platId: opts.platId,
    name: `Strict vendor ${opts.platId}`,
    manufacturerCodes: [opts.code],
    adapter: "standard",
    apiBaseUrl: `http://127.0.0.1:${port}/v1`,
    // The standard has no signatures: PlatID (and AppID) headers only.
    security: { mode: "none" },
    // The AppID this vendor gave the hub: a strict cloud requires it on bindDevices and users/devices.
    appId: `${opts.platId}-APPID`,
    adapterConfig: opts.deviceIds === "vendor" ? { deviceIds: "vendor" } : {},
  });
  if (reg.status !== 201)
    throw new Error(`registering ${opts.platId}: ${reg.status} ${JSON.stringify(reg.body)}`);
  // HUB_PUBLIC_URL is unset in tests, so the ingestUrl comes back as a path of the hub.
  const ingestUrl = `${hub.url}${String(reg.body.ingestUrl)}`;
  const cloud = await startDeviceCloud({
    platId: opts.platId,
    appId: String(reg.body.appId),
    manufacturerCode: opts.code,
    port,
    verifyUrl: `${hub.url}/v1/user/verify`,
    ingestUrl,
    strict: true,
    sessionTtlMs: SESSION_TTL_MS,
    now: opts.now,
    deviceIds: opts.deviceIds,
    deviceStatusAs: opts.deviceStatusAs,
  });
  return { platId: opts.platId, code: opts.code, cloud, ingestUrl, deviceIds: [...cloud.devices.keys()] };
}

const STRICT_APP_PLAT_ID = "STRICT-APP-0001";

/** undefined when the storage is PostgreSQL and a developer machine has none (see postgresOrSkip). */
export async function startStrictWorldIfAvailable(
  storage: Storage,
  rules: LinkageRule[] = [],
): Promise<StrictWorld | undefined> {
  if (storage === "postgres" && !(await postgresOrSkip())) return undefined;
  const hub = await startTestHub(storage, { HUB_DELIVERY_BACKOFF: "0s,50ms,50ms" });
  const admin = adminClient(hub.url, hub.adminToken);
  const appPort = await freePort();
  const reg = await admin.post("/admin/v1/platforms", {
    platId: STRICT_APP_PLAT_ID,
    name: "Strict app platform",
    verifyUrl: `http://127.0.0.1:${appPort}/v1/user/verify`,
    dataGatewayUrl: `http://127.0.0.1:${appPort}/v1/dataservices/dataGateway`,
    security: { mode: "none" },
    // A strict client reads any HTTP status but 200 as a transport failure (DESIGN §3.3).
    httpStatus: "always200",
  });
  if (reg.status !== 201)
    throw new Error(`registering the strict app: ${reg.status} ${JSON.stringify(reg.body)}`);
  const app = await startAppPlatform({
    platId: STRICT_APP_PLAT_ID,
    port: appPort,
    appId: String(reg.body.appId),
    users: [
      { loginId: "alice", authToken: "alice-token-1" },
      { loginId: "bob", authToken: "bob-token-1" },
    ],
    hubUrl: hub.url,
    strict: true,
    rules,
  });
  let now = Date.now();
  const clock = () => now;
  const vendors: [StrictVendor, StrictVendor] = [
    await addStrictVendor(hub, admin, {
      platId: "STRICT-A-0000",
      code: "000006",
      deviceIds: "udevice",
      deviceStatusAs: "string",
      now: clock,
    }),
    await addStrictVendor(hub, admin, {
      platId: "STRICT-B-0000",
      code: "000007",
      deviceIds: "vendor",
      deviceStatusAs: "object",
      now: clock,
    }),
  ];
  const lenient: Vendor[] = [];
  const client = app.hub;
  if (client === undefined) throw new Error("the strict app has no hub client");
  return {
    hub,
    admin,
    app,
    client,
    vendors,
    clock: {
      advance: (ms) => {
        now += ms;
      },
    },
    async addLenientVendor(platId, code) {
      const vendor = await addVendor(hub, admin, platId, code);
      lenient.push(vendor);
      return vendor;
    },
    async close() {
      await app.close();
      for (const v of [...vendors, ...lenient]) await v.cloud.close();
      await hub.close();
    },
  };
}
