import { createServer } from "node:http";
import { startDeviceCloud } from "@yunlian/vendor-sim";
import { adminClient, platformClient } from "./client.ts";
import { freePort } from "./harness.ts";

export interface OpSetup {
  /** A devices/op body setting a washer attribute of the bound device. */
  body: string;
  /** PlatID, AppID and the user's AccessToken (header names as a platform sends them). */
  headers: Record<string, string>;
  userId: string;
  deviceId: string;
  close(): Promise<void>;
}

/**
 * What a devices/op needs at a running hub: an app platform (mode none, with a verify endpoint
 * that says yes), a device-cloud sim registered as vendor, a logged-in user and one bound washer.
 */
export async function setUpDeviceOp(
  hubUrl: string,
  adminToken: string,
  ids: { app: string; vendor: string } = { app: "OP-APP", vendor: "OP-VENDOR" },
): Promise<OpSetup> {
  const verifyPort = await freePort();
  const verify = createServer((_req, res) => res.end('{"RetCode":"200","RetInfo":"ok"}')).listen(verifyPort);
  const simPort = await freePort();
  const admin = adminClient(hubUrl, adminToken);
  const app = await admin.post("/admin/v1/platforms", {
    platId: ids.app,
    name: "app",
    verifyUrl: `http://127.0.0.1:${verifyPort}/verify`,
    security: { mode: "none" },
  });
  const vendor = await admin.post("/admin/v1/platforms", {
    platId: ids.vendor,
    name: "vendor",
    manufacturerCodes: ["000006"],
    apiBaseUrl: `http://127.0.0.1:${simPort}/v1`,
    security: { mode: "none" },
  });
  // Mode none: the vendor proves itself to the hub with its PlatID and the AppID the hub issued it.
  const sim = await startDeviceCloud({
    platId: ids.vendor,
    appId: String(vendor.body.appId),
    manufacturerCode: "000006",
    port: simPort,
    verifyUrl: `${hubUrl}/v1/user/verify`,
    recordCalls: false,
  });
  const call = platformClient(hubUrl, { platId: ids.app, appId: String(app.body.appId) });
  const login = await call("user/login", { User: [{ UserBase: { loginID: "op-user" } }], AuthToken: "t" });
  const userId = (login.body.User as { UserBase: { userID: string } }[] | undefined)?.[0]?.UserBase.userID;
  // The sim alternates washers and air conditioners; the op below sets a washer attribute.
  const deviceId = [...sim.devices.keys()].find((id) => id.slice(8, 13) === "02002");
  if (!userId || !deviceId) throw new Error(`op setup: login ${JSON.stringify(login.body)}`);
  const bound = await call("user/bindDevices", {
    UserID: userId,
    Device: [{ DeviceInfo: { deviceID: deviceId } }],
  });
  if ((bound.body.FailedIDs as string[]).length > 0)
    throw new Error(`op setup: bind ${JSON.stringify(bound.body)}`);
  return {
    body: JSON.stringify({
      UserID: userId,
      Device: [{ DeviceInfo: { deviceID: deviceId }, DeviceAttr: { laundryCycle: "2" } }],
    }),
    headers: {
      "content-type": "application/json",
      PlatID: ids.app,
      AppID: String(app.body.appId),
      AccessToken: login.headers.accesstoken ?? "",
    },
    userId,
    deviceId,
    async close() {
      await sim.close();
      verify.close();
    },
  };
}
