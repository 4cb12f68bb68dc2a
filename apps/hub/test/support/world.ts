import {
  type AppPlatform,
  type DeviceCloud,
  defaultDevices,
  type LinkageRule,
  startAppPlatform,
  startDeviceCloud,
} from "@yunlian/vendor-sim";
import { adminClient, platformClient } from "./client.ts";
import { freePort, postgresOrSkip, type Storage, startTestHub, type TestHub } from "./harness.ts";

export interface Vendor {
  platId: string;
  code: string;
  cloud: DeviceCloud;
  appId: string;
  appSecret: string;
  webhookSecret: string;
  deviceIds: string[];
}

export interface World {
  hub: TestHub;
  admin: ReturnType<typeof adminClient>;
  app: AppPlatform;
  appCreds: { platId: string; appId: string; appSecret: string; webhookSecret: string };
  call: ReturnType<typeof platformClient>;
  vendors: Vendor[];
  close(): Promise<void>;
}

/** Registers a device-cloud sim at the hub and starts it on the port it was registered with. */
export async function addVendor(
  hub: TestHub,
  admin: ReturnType<typeof adminClient>,
  platId: string,
  code: string,
  security: "hmac" | "none" = "hmac",
  /** How many devices the sim holds (its default: 4). */
  deviceCount?: number,
  /** More fields of the register body (`{ sandbox: true }`). */
  extra: Record<string, unknown> = {},
): Promise<Vendor> {
  const port = await freePort();
  const reg = await admin.post("/admin/v1/platforms", {
    platId,
    name: `Vendor ${platId}`,
    manufacturerCodes: [code],
    adapter: "standard",
    apiBaseUrl: `http://127.0.0.1:${port}/v1`,
    security: { mode: security },
    ...extra,
  });
  if (reg.status !== 201) throw new Error(`registering ${platId}: ${reg.status} ${JSON.stringify(reg.body)}`);
  const appSecret = String(reg.body.appSecret);
  const cloud = await startDeviceCloud({
    platId,
    appId: String(reg.body.appId),
    manufacturerCode: code,
    port,
    verifyUrl: `${hub.url}/v1/user/verify`,
    appSecret: security === "hmac" ? appSecret : undefined,
    hubDataGatewayUrl: `${hub.url}/v1/dataservices/dataGateway`,
    ...(deviceCount === undefined ? {} : { devices: defaultDevices(code, deviceCount) }),
  });
  return {
    platId,
    code,
    cloud,
    appId: String(reg.body.appId),
    appSecret,
    webhookSecret: String(reg.body.webhookSecret),
    deviceIds: [...cloud.devices.keys()],
  };
}

/** Both storages, for suites that run once on embedded PGlite and once on the PostgreSQL server. */
export const bothStorages = [{ storage: "pglite" as const }, { storage: "postgres" as const }];

/**
 * startWorld, or undefined when the storage is PostgreSQL and a developer machine has none (the
 * suite then skips; in CI a missing server fails instead, see postgresOrSkip).
 */
export async function startWorldIfAvailable(
  storage: Storage,
  env: Record<string, string> = {},
): Promise<World | undefined> {
  if (storage === "postgres" && !(await postgresOrSkip())) return undefined;
  return startWorld(storage, env);
}

/** Scenario 1 of the standard: one app platform, two device clouds, all behind one hub. */
export async function startWorld(
  storage: Storage,
  env: Record<string, string> = {},
  rules: LinkageRule[] = [],
): Promise<World> {
  const hub = await startTestHub(storage, env);
  const admin = adminClient(hub.url, hub.adminToken);
  const appPort = await freePort();
  const reg = await admin.post("/admin/v1/platforms", {
    platId: "APP-PLAT-0001",
    name: "App platform A",
    verifyUrl: `http://127.0.0.1:${appPort}/v1/user/verify`,
    dataGatewayUrl: `http://127.0.0.1:${appPort}/v1/dataservices/dataGateway`,
  });
  if (reg.status !== 201)
    throw new Error(`registering the app platform: ${reg.status} ${JSON.stringify(reg.body)}`);
  const appCreds = {
    platId: "APP-PLAT-0001",
    appId: String(reg.body.appId),
    appSecret: String(reg.body.appSecret),
    webhookSecret: String(reg.body.webhookSecret),
  };
  const app = await startAppPlatform({
    platId: appCreds.platId,
    port: appPort,
    users: [
      { loginId: "alice", authToken: "alice-token-1" },
      { loginId: "bob", authToken: "bob-token-1" },
    ],
    hubUrl: hub.url,
    appId: appCreds.appId,
    appSecret: appCreds.appSecret,
    webhookSecret: appCreds.webhookSecret,
    rules,
  });
  const vendors = [
    await addVendor(hub, admin, "VENDOR-A-0000", "000006"),
    await addVendor(hub, admin, "VENDOR-B-0000", "000007"),
  ];
  return {
    hub,
    admin,
    app,
    appCreds,
    call: platformClient(hub.url, appCreds),
    vendors,
    async close() {
      await app.close();
      for (const v of vendors) await v.cloud.close();
      await hub.close();
    },
  };
}

export function devices(ids: string[], attrs?: Record<string, string>) {
  return ids.map((deviceID) =>
    attrs ? { DeviceInfo: { deviceID }, DeviceAttr: attrs } : { DeviceInfo: { deviceID } },
  );
}

/** Logs a user of the world's app platform in; returns the hub userID and AccessToken. */
export async function loginAs(world: World, loginId: string, authToken: string) {
  const res = await world.call("user/login", {
    User: [{ UserBase: { loginID: loginId } }],
    AuthToken: authToken,
  });
  if (res.body.RetCode !== "200") throw new Error(`login ${loginId}: ${JSON.stringify(res.body)}`);
  const user = (res.body.User as { UserBase: { userID: string } }[])[0];
  return { userId: user?.UserBase.userID ?? "", accessToken: res.headers.accesstoken ?? "" };
}

/** A second app platform (another tenant) with its own users, registered at the same hub. */
export async function addAppPlatform(
  world: World,
  platId: string,
  users: { loginId: string; authToken: string }[],
  /** More fields of the register body (`{ sandbox: true }`). */
  extra: Record<string, unknown> = {},
) {
  const port = await freePort();
  const reg = await world.admin.post("/admin/v1/platforms", {
    platId,
    name: `App platform ${platId}`,
    verifyUrl: `http://127.0.0.1:${port}/v1/user/verify`,
    dataGatewayUrl: `http://127.0.0.1:${port}/v1/dataservices/dataGateway`,
    ...extra,
  });
  if (reg.status !== 201) throw new Error(`registering ${platId}: ${JSON.stringify(reg.body)}`);
  const creds = {
    platId,
    appId: String(reg.body.appId),
    appSecret: String(reg.body.appSecret),
    webhookSecret: String(reg.body.webhookSecret),
  };
  const app = await startAppPlatform({ port, users, hubUrl: world.hub.url, ...creds });
  return { app, creds, call: platformClient(world.hub.url, creds) };
}
