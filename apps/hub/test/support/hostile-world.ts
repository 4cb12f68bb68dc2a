import { randomBytes } from "node:crypto";
import {
  accessTokens,
  bindings,
  type Database,
  deliveries,
  deviceGrants,
  deviceModels,
  deviceShadows,
  hubUsers,
  platforms,
} from "@yunlian/db";
import { TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { type AppPlatform, startAppPlatform } from "@yunlian/vendor-sim";
import { asc, eq, inArray, or } from "drizzle-orm";
import { adminClient, platformClient } from "./client.ts";
import { freePort, startTestHub, type TestHub } from "./harness.ts";
import { addVendor, type Vendor } from "./world.ts";

interface Credentials {
  platId: string;
  appId: string;
  appSecret: string;
  webhookSecret: string;
}

/** One tenant: an app platform (sim) with a logged-in user, and a device vendor (sim). */
interface Tenant {
  app: AppPlatform;
  creds: Credentials;
  call: ReturnType<typeof platformClient>;
  vendor: Vendor;
  userId: string;
  accessToken: string;
  loginId: string;
  /** A washer of the tenant's vendor, bound to its user, with one delivered status report. */
  washer: string;
}

export interface HostileWorld {
  hub: TestHub;
  admin: ReturnType<typeof adminClient>;
  metricsToken: string;
  /** The hub's environment (Redis, queue prefix): a second instance of the same hub starts with it. */
  env: Record<string, string>;
  /** The victim. Its app platform is hmac; its vendor is in mode none (a partner that cannot sign). */
  v: Tenant & {
    /** V's first appSecret, which leaked to T; the operator rotated it (24 h grace) before the attacks. */
    leakedAppSecret: string;
    /** The certificate fingerprint V registered. */
    fingerprint: string;
    /** One of T's vendor's appliances, which V's user owns too (bound through V). */
    foreignDevice: string;
  };
  /** The attacker: an app platform and a vendor, both hmac, holding only their own credentials. */
  t: Tenant;
  close(): Promise<void>;
}

/** A short random suffix: PlatIDs are keys of the Redis rate-limit buckets, shared by every test run. */
export const runSuffix = () => randomBytes(3).toString("hex").toUpperCase();

async function registerApp(
  admin: ReturnType<typeof adminClient>,
  platId: string,
  port: number,
  extra: Record<string, unknown> = {},
): Promise<Credentials> {
  const reg = await admin.post("/admin/v1/platforms", {
    platId,
    name: `App ${platId}`,
    verifyUrl: `http://127.0.0.1:${port}/v1/user/verify`,
    dataGatewayUrl: `http://127.0.0.1:${port}/v1/dataservices/dataGateway`,
    ...extra,
  });
  if (reg.status !== 201) throw new Error(`registering ${platId}: ${reg.status} ${JSON.stringify(reg.body)}`);
  return {
    platId,
    appId: String(reg.body.appId),
    appSecret: String(reg.body.appSecret),
    webhookSecret: String(reg.body.webhookSecret),
  };
}

async function logIn(call: Tenant["call"], loginId: string, authToken: string) {
  const res = await call("user/login", { User: [{ UserBase: { loginID: loginId } }], AuthToken: authToken });
  if (res.body.RetCode !== "200") throw new Error(`login ${loginId}: ${JSON.stringify(res.body)}`);
  const user = (res.body.User as { UserBase: { userID: string } }[])[0];
  return { userId: user?.UserBase.userID ?? "", accessToken: res.headers.accesstoken ?? "" };
}

const washerOf = (vendor: Vendor) => {
  const id = vendor.deviceIds.find((d) => d.slice(8, 13) === "02002");
  if (!id) throw new Error(`${vendor.platId} has no washer`);
  return id;
};

/** Binds the washer to the user, then has the vendor report it: one delivery to the app platform. */
async function bindAndReport(tenant: Omit<Tenant, "washer">, washer: string) {
  const bound = await tenant.call("user/bindDevices", {
    UserID: tenant.userId,
    Device: [{ DeviceInfo: { deviceID: washer } }],
  });
  if ((bound.body.FailedIDs as string[] | undefined)?.length !== 0)
    throw new Error(`bind: ${JSON.stringify(bound.body)}`);
  const before = tenant.app.reports.length;
  await tenant.vendor.cloud.setDeviceAttrs(washer, { onOffStatus: "True", laundryCycle: "1" });
  await tenant.app.waitForReports(before + 1, 20_000);
}

/** Waits (no assertion on time) until no delivery to the platform is pending or failing. */
async function deliveriesSettled(db: Database, platId: string) {
  for (;;) {
    const rows = await db
      .select({ status: deliveries.status })
      .from(deliveries)
      .where(eq(deliveries.platId, platId));
    if (rows.length > 0 && rows.every((r) => r.status === "delivered")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Two tenants on one hub with PostgreSQL and Redis (replay store, rate limits and the delivery
 * queue in Redis): V, the victim, with a user, a bound washer and a delivered report; T, the
 * attacker, the same for itself, whose sims recorded what T sees of the hub (its verify calls,
 * its deliveries, the hub's calls to its vendor API).
 */
export async function startHostileWorld(env: Record<string, string> = {}): Promise<HostileWorld> {
  const run = runSuffix();
  const metricsToken = `metrics-token-${run}-0123456789abcdefghij`;
  const hubEnv = {
    REDIS_URL: TEST_REDIS_URL,
    HUB_QUEUE_PREFIX: uniquePrefix("hostile"),
    // Most attacks fail authentication on purpose: the per-address budget would stop the suite.
    HUB_UNAUTH_RATE_LIMIT: "off",
    HUB_METRICS_TOKEN: metricsToken,
    ...env,
  };
  const hub = await startTestHub("postgres", hubEnv);
  const admin = adminClient(hub.url, hub.adminToken);
  const fingerprint = "ab".repeat(32);

  const vPort = await freePort();
  const vFirst = await registerApp(admin, `V-APP-${run}`, vPort, {
    security: { mode: "hmac", certFingerprints: [fingerprint] },
  });
  // V's appSecret leaked (to T); the operator rotates with the default grace of 24 h.
  const rotated = await admin.post(`/admin/v1/platforms/${vFirst.platId}/secret`, {});
  if (rotated.status !== 200) throw new Error(`rotating V: ${JSON.stringify(rotated.body)}`);
  const vCreds = { ...vFirst, appSecret: String(rotated.body.appSecret) };
  // V's receiver still holds its first webhookSecret: during the grace webhooks carry both signatures.
  const vApp = await startAppPlatform({
    port: vPort,
    users: [{ loginId: "valice", authToken: "valice-token" }],
    hubUrl: hub.url,
    ...vFirst,
  });
  const vVendor = await addVendor(hub, admin, `V-VEND-${run}`, "000006", "none");

  const tPort = await freePort();
  const tCreds = await registerApp(admin, `T-APP-${run}`, tPort);
  const tApp = await startAppPlatform({
    port: tPort,
    // T's own verify endpoint vouches for anyone, V's users' loginIDs included.
    users: [
      { loginId: "tmallory", authToken: "t-token" },
      { loginId: "valice", authToken: "t-says-so" },
    ],
    hubUrl: hub.url,
    ...tCreds,
  });
  const tVendor = await addVendor(hub, admin, `T-VEND-${run}`, "000007", "hmac");

  const vCall = platformClient(hub.url, vCreds);
  const vLogin = await logIn(vCall, "valice", "valice-token");
  const vPartial = { app: vApp, creds: vCreds, call: vCall, vendor: vVendor, loginId: "valice", ...vLogin };
  const vWasher = washerOf(vVendor);
  await bindAndReport(vPartial, vWasher);

  const tCall = platformClient(hub.url, tCreds);
  const tLogin = await logIn(tCall, "tmallory", "t-token");
  const tPartial = { app: tApp, creds: tCreds, call: tCall, vendor: tVendor, loginId: "tmallory", ...tLogin };
  const tWasher = washerOf(tVendor);
  await bindAndReport(tPartial, tWasher);

  // V's user owns a T-brand appliance as well: the hub asks T's vendor API about V's user.
  const foreignDevice = tVendor.deviceIds.find((d) => d !== tWasher) ?? "";
  const foreign = await vCall("user/bindDevices", {
    UserID: vLogin.userId,
    Device: [{ DeviceInfo: { deviceID: foreignDevice } }],
  });
  if ((foreign.body.FailedIDs as string[] | undefined)?.length !== 0)
    throw new Error(`binding T's appliance to V's user: ${JSON.stringify(foreign.body)}`);

  const db = hub.hub.database.db;
  await deliveriesSettled(db, vCreds.platId);
  await deliveriesSettled(db, tCreds.platId);
  return {
    hub,
    admin,
    metricsToken,
    env: hubEnv,
    v: { ...vPartial, washer: vWasher, leakedAppSecret: vFirst.appSecret, fingerprint, foreignDevice },
    t: { ...tPartial, washer: tWasher },
    async close() {
      await vApp.close();
      await tApp.close();
      await vVendor.cloud.close();
      await tVendor.cloud.close();
      await hub.close();
    },
  };
}

/**
 * Everything of V's the hub stores: its platform rows (secrets as ciphertexts, URLs, codes,
 * fingerprints), its users and their tokens, its bindings, its devices' shadows, its deliveries,
 * its models and grants. Equal before and after the attacks means no attack changed anything.
 */
export async function snapshotOf(db: Database, v: HostileWorld["v"]) {
  const app = v.creds.platId;
  const vendor = v.vendor.platId;
  return {
    platforms: await db
      .select()
      .from(platforms)
      .where(inArray(platforms.platId, [app, vendor]))
      .orderBy(asc(platforms.platId)),
    users: await db.select().from(hubUsers).where(eq(hubUsers.platId, app)).orderBy(asc(hubUsers.userId)),
    tokens: await db
      .select()
      .from(accessTokens)
      .where(eq(accessTokens.platId, app))
      .orderBy(asc(accessTokens.tokenHash)),
    bindings: await db
      .select()
      .from(bindings)
      .where(or(eq(bindings.platId, app), eq(bindings.vendorPlatId, vendor)))
      .orderBy(asc(bindings.udeviceId), asc(bindings.userId)),
    shadows: await db
      .select()
      .from(deviceShadows)
      .where(eq(deviceShadows.vendorPlatId, vendor))
      .orderBy(asc(deviceShadows.udeviceId)),
    deliveries: await db
      .select()
      .from(deliveries)
      .where(eq(deliveries.platId, app))
      .orderBy(asc(deliveries.id)),
    models: await db
      .select()
      .from(deviceModels)
      .where(eq(deviceModels.ownerPlatId, vendor))
      .orderBy(asc(deviceModels.deviceType), asc(deviceModels.version)),
    grants: await db
      .select()
      .from(deviceGrants)
      .where(or(eq(deviceGrants.granteePlatId, app), eq(deviceGrants.granteePlatId, vendor)))
      .orderBy(asc(deviceGrants.udeviceId)),
  };
}
