import { createServer } from "node:http";
import { type DeviceCloud, defaultDevices, startDeviceCloud } from "@yunlian/vendor-sim";
import { adminClient, platformClient } from "../../test/support/client.ts";
import { freePort } from "../../test/support/harness.ts";
import { type SoakReceiver, startReceiver } from "./receivers.ts";
import type { TrafficTarget } from "./traffic.ts";

/**
 * The soak's platforms, registered through the admin API and bound through the standard API as
 * real ones are: a device-cloud sim (the vendor: it answers ops and sends reports), an app
 * platform that sends ops, one subscriber of 20 devices and ten subscribers of 20 others. Of the
 * ten, #1 fails 10 % of requests at random and #2 is the one taken down mid-run.
 */
export interface SoakWorld {
  sim: DeviceCloud;
  one: SoakReceiver;
  ten: SoakReceiver[];
  flaky: SoakReceiver;
  downable: SoakReceiver;
  downablePlatId: string;
  subscriberPlatIds: string[];
  target: TrafficTarget;
  close(): Promise<void>;
}

const VENDOR = "SOAK-VENDOR";
const CODE = "000006";
const GROUP = 20;

async function verifyServer(): Promise<{ url: string; close(): void }> {
  const port = await freePort();
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"RetCode":"200","RetInfo":"ok"}');
  }).listen(port, "127.0.0.1");
  return { url: `http://127.0.0.1:${port}/verify`, close: () => server.close() };
}

function must(what: string, status: number, expected: number, body: unknown) {
  if (status !== expected) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
}

export async function setUpWorld(hubUrl: string, adminToken: string): Promise<SoakWorld> {
  const admin = adminClient(hubUrl, adminToken);
  const verify = await verifyServer();
  const simPort = await freePort();
  const vendor = await admin.post("/admin/v1/platforms", {
    platId: VENDOR,
    name: "soak vendor",
    manufacturerCodes: [CODE],
    apiBaseUrl: `http://127.0.0.1:${simPort}/v1`,
    security: { mode: "none" },
  });
  must("registering the vendor", vendor.status, 201, vendor.body);
  const vendorAppId = String(vendor.body.appId);
  const sim = await startDeviceCloud({
    platId: VENDOR,
    appId: vendorAppId,
    manufacturerCode: CODE,
    port: simPort,
    verifyUrl: verify.url,
    hubDataGatewayUrl: `${hubUrl}/v1/dataservices/dataGateway`,
    devices: defaultDevices(CODE, 2 * GROUP + 2),
    recordCalls: false,
  });
  const ids = [...sim.devices.keys()];
  const groupOne = ids.slice(0, GROUP);
  const groupTen = ids.slice(GROUP, 2 * GROUP);
  // A washer (category 02, sub 002) of its own for ops: its reports go to no subscriber.
  const opDevice = ids.slice(2 * GROUP).find((id) => id.slice(8, 13) === "02002");
  if (!opDevice) throw new Error("soak: the sim has no washer for ops");

  /** Registers a platform, logs a user in, binds `devices`; returns its credentials. */
  const platform = async (
    platId: string,
    devices: string[],
    dataGatewayUrl?: string,
    beforeBind: () => Promise<void> = async () => {},
  ) => {
    const reg = await admin.post("/admin/v1/platforms", {
      platId,
      name: platId,
      verifyUrl: verify.url,
      ...(dataGatewayUrl ? { dataGatewayUrl } : {}),
      security: { mode: "none" },
    });
    must(`registering ${platId}`, reg.status, 201, reg.body);
    const appId = String(reg.body.appId);
    const call = platformClient(hubUrl, { platId, appId });
    const login = await call("user/login", {
      User: [{ UserBase: { loginID: `u-${platId}` } }],
      AuthToken: "t",
    });
    const userId = (login.body.User as { UserBase: { userID: string } }[] | undefined)?.[0]?.UserBase.userID;
    const token = login.headers.accesstoken;
    if (!userId || !token) throw new Error(`login at ${platId}: ${JSON.stringify(login.body)}`);
    await beforeBind();
    const bind = await call(
      "user/bindDevices",
      { UserID: userId, Device: devices.map((deviceID) => ({ DeviceInfo: { deviceID } })) },
      { AccessToken: token },
    );
    if (((bind.body.FailedIDs as string[] | undefined) ?? ["?"]).length > 0)
      throw new Error(`binding at ${platId}: ${JSON.stringify(bind.body)}`);
    return { appId, userId, token };
  };

  const one = await startReceiver("ok");
  await platform("SOAK-SUB1-0", groupOne, one.url);
  const ten: SoakReceiver[] = [];
  const subscriberPlatIds = ["SOAK-SUB1-0"];
  for (let i = 0; i < 10; i++) {
    const r = await startReceiver(i === 1 ? "flaky" : "ok");
    ten.push(r);
    // The first to bind holds the devices; the others bind them by its grant (standard 7.2.1).
    const granted = async () => {
      if (i === 0) return;
      for (const deviceId of groupTen) {
        const grant = await admin.post("/admin/v1/grants", {
          grantorPlatId: "SOAK-SUB10-0",
          deviceId,
          granteePlatId: `SOAK-SUB10-${i}`,
        });
        if (grant.status !== 201 && grant.status !== 200)
          throw new Error(`granting ${deviceId}: ${grant.status} ${JSON.stringify(grant.body)}`);
      }
    };
    await platform(`SOAK-SUB10-${i}`, groupTen, r.url, granted);
    subscriberPlatIds.push(`SOAK-SUB10-${i}`);
  }
  const ops = await platform("SOAK-OPS", [opDevice]);

  let cycle = 0;
  const vendorHeaders = {
    "content-type": "application/json;charset=UTF-8",
    PlatID: VENDOR,
    AppID: vendorAppId,
  };
  let pick = 0;
  const target: TrafficTarget = {
    hubUrl,
    op: {
      headers: {
        "content-type": "application/json;charset=UTF-8",
        PlatID: "SOAK-OPS",
        AppID: ops.appId,
        AccessToken: ops.token,
      },
      body: () => {
        cycle = (cycle + 1) % 3;
        return JSON.stringify({
          UserID: ops.userId,
          Device: [{ DeviceInfo: { deviceID: opDevice }, DeviceAttr: { laundryCycle: String(cycle + 1) } }],
        });
      },
    },
    report: (kind, seq) => {
      const group = kind === "r1" ? groupOne : groupTen;
      pick += 1;
      const deviceId = group[pick % group.length] ?? "";
      const body = sim.buildReport({
        DeviceID: deviceId,
        DataType: "attr",
        DeviceStatus: { onOffStatus: "1", seq: String(seq) },
      });
      return { headers: vendorHeaders, body: JSON.stringify(body) };
    },
  };
  return {
    sim,
    one,
    ten,
    flaky: ten[1] as SoakReceiver,
    downable: ten[2] as SoakReceiver,
    downablePlatId: "SOAK-SUB10-2",
    subscriberPlatIds,
    target,
    async close() {
      await Promise.all([one, ...ten].map((r) => r.close().catch(() => {})));
      await sim.close();
      verify.close();
    },
  };
}
