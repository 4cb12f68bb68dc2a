import { afterEach, describe, expect, it } from "vitest";
import { type DeviceCloudOptions, SESSION_GONE, startAppPlatform, startDeviceCloud } from "../src/index.ts";
import { callApi, devicesBody } from "./helpers.ts";
import { nonTransportHeaders, startRecorder } from "./recorder.ts";

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const HAN = /[\u4e00-\u9fff]/;
const INGEST_PATH = "/v1/dataservices/dataGateway/s3cr3t-segment-of-at-least-32-chars_x";

/** A strict cloud (plus its options) with the strict app platform that vouches for alice. */
async function strictCloud(extra: Partial<DeviceCloudOptions> = {}) {
  const app = await startAppPlatform({
    platId: "APP-A",
    users: [{ loginId: "alice", authToken: "tok-a" }],
    strict: true,
  });
  const cloud = await startDeviceCloud({
    platId: "VENDOR-S",
    manufacturerCode: "000006",
    verifyUrl: app.verifyUrl,
    strict: true,
    ...extra,
  });
  running.push(cloud, app);
  const ids = [...cloud.devices.keys()];
  const login = async (authToken = "tok-a") => {
    const res = await callApi(
      cloud.url,
      "user/login",
      { User: [{ UserBase: { loginID: "alice" } }], AuthToken: authToken },
      { PlatID: "APP-A" },
    );
    const userId =
      (res.body.User as { UserBase: { userID: string } }[] | undefined)?.[0]?.UserBase.userID ?? "";
    const accessToken = res.headers.get("accesstoken") ?? "";
    return { res, userId, headers: { PlatID: "APP-A", AppID: "ISSUED-TO-APP-A", AccessToken: accessToken } };
  };
  return { app, cloud, ids, login };
}

/** The raw answer text, for keys JSON.parse would keep but a test must see spelled as sent. */
async function rawText(url: string, api: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(`${url}/${api}`, {
    method: "POST",
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe("strict device cloud: RetCodes and HTTP status (tables 30–48: 200 ok, 500 business failure)", () => {
  it("answers every failure with HTTP 200, RetCode 500 and a Chinese RetInfo", async () => {
    const { cloud, ids, login } = await strictCloud();
    const refusedLogin = await login("wrong-token");
    const { userId, headers } = await login();
    const failures = [
      refusedLogin.res,
      await callApi(cloud.url, "users/devices", { UserID: userId }, { PlatID: "APP-A" }),
      await callApi(cloud.url, "user/bindDevices", "{not json", headers),
      await callApi(cloud.url, "devices/nonsense", {}, headers),
      await callApi(
        cloud.url,
        "devices/op",
        devicesBody(userId, [ids[2] ?? ""], { onOffStatus: "True" }),
        headers,
      ),
      await callApi(cloud.url, "devices/deviceInfo", devicesBody(userId, ["000006010200199NOPE"]), headers),
    ];
    for (const res of failures) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.RetCode, JSON.stringify(res.body)).toBe("500");
      expect(res.body.RetInfo, JSON.stringify(res.body)).toMatch(HAN);
    }
    // A refused login or a business refusal never reads as a lost session (the hub would log in again).
    for (const res of [refusedLogin.res, failures[4], failures[5]]) {
      expect(String(res?.body.RetInfo)).not.toMatch(/token|令牌|过期|失效|无效/i);
    }
  });

  it("requires PlatID on every call and AppID on bindDevices and users/devices (7.1, tables 29 and 35)", async () => {
    const { cloud, ids, login } = await strictCloud();
    const { userId, headers } = await login();
    const token = { AccessToken: headers.AccessToken };
    const noPlatId = await callApi(
      cloud.url,
      "devices/deviceStatus",
      devicesBody(userId, [ids[0] ?? ""]),
      token,
    );
    expect(noPlatId.body).toEqual({ RetCode: "500", RetInfo: "缺少 PlatID" });
    const { AppID: _, ...withoutAppId } = headers;
    for (const api of ["user/bindDevices", "users/devices"]) {
      const body = devicesBody(userId, [ids[0] ?? ""]);
      expect((await callApi(cloud.url, api, body, withoutAppId)).body, api).toEqual({
        RetCode: "500",
        RetInfo: "缺少 AppID",
      });
      expect((await callApi(cloud.url, api, body, headers)).body.RetCode, api).toBe("200");
    }
    // Table 44 marks AppID optional for deviceStatus.
    const status = await callApi(
      cloud.url,
      "devices/deviceStatus",
      devicesBody(userId, [ids[0] ?? ""]),
      withoutAppId,
    );
    expect(status.body.RetCode).toBe("200");
  });

  it("signals an unknown or expired session exactly as {RetCode 500, RetInfo AccessToken 已失效}", async () => {
    const { cloud, login } = await strictCloud();
    const { userId, headers } = await login();
    const unknown = await callApi(
      cloud.url,
      "users/devices",
      { UserID: userId },
      {
        ...headers,
        AccessToken: "TGT-never-issued",
      },
    );
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ RetCode: "500", RetInfo: "AccessToken 已失效" });
    expect(SESSION_GONE).toEqual({ RetCode: "500", RetInfo: "AccessToken 已失效" });
    cloud.invalidateTokens();
    const dropped = await callApi(cloud.url, "users/devices", { UserID: userId }, headers);
    expect(dropped.body).toEqual(SESSION_GONE);
  });

  it("expires sessions after the configured TTL, by its clock", async () => {
    let now = 1_000_000;
    const { cloud, login } = await strictCloud({ sessionTtlMs: 60_000, now: () => now });
    const { userId, headers } = await login();
    now += 59_999;
    expect((await callApi(cloud.url, "users/devices", { UserID: userId }, headers)).body.RetCode).toBe("200");
    now += 1;
    expect((await callApi(cloud.url, "users/devices", { UserID: userId }, headers)).body).toEqual(
      SESSION_GONE,
    );
    // The expired token stays gone; a fresh login works again.
    now -= 10_000;
    expect((await callApi(cloud.url, "users/devices", { UserID: userId }, headers)).body).toEqual(
      SESSION_GONE,
    );
    const again = await login();
    expect((await callApi(cloud.url, "users/devices", { UserID: userId }, again.headers)).body.RetCode).toBe(
      "200",
    );
  });

  it("refuses an appSecret: the standard has no signatures", async () => {
    await expect(
      startDeviceCloud({
        platId: "V",
        manufacturerCode: "000006",
        verifyUrl: "http://127.0.0.1:1/v1/user/verify",
        strict: true,
        appSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      }),
    ).rejects.toThrow(/signs nothing/);
  });
});

describe("strict device cloud: the standard's examples, keys and all", () => {
  it("writes the stray-space keys of 7.2.3, 7.2.4 and 7.2.6, and no deviceID in deviceStatus (table 45)", async () => {
    const { cloud, ids, login } = await strictCloud();
    const { userId, headers } = await login();
    const washer = ids[0] ?? "";
    await callApi(cloud.url, "user/bindDevices", devicesBody(userId, [washer]), headers);
    const list = await rawText(cloud.url, "users/devices", { UserID: userId }, headers);
    expect(list.text).toContain(`"deviceID ":"${washer}"`);
    const info = await rawText(cloud.url, "devices/deviceInfo", devicesBody(userId, [washer]), headers);
    expect(info.text).toContain(`"deviceID ":"${washer}"`);
    const status = await rawText(cloud.url, "devices/deviceStatus", devicesBody(userId, [washer]), headers);
    expect(status.text).toContain('"onOffStatus ":"False"');
    expect(status.text).toContain('"runningstatus ":"0"');
    expect(JSON.parse(status.text)).toEqual({
      RetCode: "200",
      RetInfo: "ok",
      Device: [
        {
          DeviceAttr: {
            "onOffStatus ": "False",
            "runningstatus ": "0",
            laundryCycle: "3",
            doorLockStatus: "False",
            onLine: "True",
          },
        },
      ],
    });
  });

  it("reports to its ingestUrl with no header at all (table 50), with the examples' keys", async () => {
    const hub = await startRecorder();
    running.push(hub);
    const { cloud, ids } = await strictCloud({
      ingestUrl: `${hub.origin}${INGEST_PATH}`,
      hubDataGatewayUrl: `${hub.origin}/v1/dataservices/dataGateway`,
      appId: "HUB-ISSUED-APPID",
    });
    const washer = ids[0] ?? "";
    const res = await cloud.setDeviceAttrs(washer, { onOffStatus: "True", runningstatus: "1" });
    expect(res?.status).toBe(200);
    await cloud.pushReport({ DeviceID: washer, DataType: "onOffline", DeviceStatus: { onLine: "False" } });
    await cloud.pushReport({
      DeviceID: washer,
      DataType: "alarm",
      DeviceStatus: { error: "waterHeatingErr" },
    });
    expect(hub.received.map((r) => r.url)).toEqual([INGEST_PATH, INGEST_PATH, INGEST_PATH]);
    for (const r of hub.received) {
      expect(nonTransportHeaders(r.headers)).toEqual([]);
      expect(r.headers["content-type"]).toBeUndefined();
    }
    const [attr, offline, alarm] = hub.received.map((r) => JSON.parse(r.text) as Record<string, unknown>);
    expect(attr).toMatchObject({
      "DeviceID ": washer,
      DataType: "attr",
      DeviceStatus: { "onOffStatus ": "True", "runningstatus ": "1" },
    });
    expect(attr?.TimeStamp).toMatch(/^\d+$/);
    expect(offline).toMatchObject({ "DeviceID ": washer, " DeviceStatus": { onLine: "False" } });
    expect(alarm).toMatchObject({ DeviceID: washer, DeviceStatus: { error: "waterHeatingErr" } });
  });

  it("sends DeviceStatus as a JSON string when asked (table 50 types it String)", async () => {
    const hub = await startRecorder();
    running.push(hub);
    const { cloud, ids } = await strictCloud({
      ingestUrl: `${hub.origin}${INGEST_PATH}`,
      deviceStatusAs: "string",
    });
    await cloud.setDeviceAttrs(ids[0] ?? "", { laundryCycle: "20" });
    const body = JSON.parse(hub.received[0]?.text ?? "{}") as { DeviceStatus?: unknown };
    expect(typeof body.DeviceStatus).toBe("string");
    expect(JSON.parse(String(body.DeviceStatus))).toEqual({ laundryCycle: "20" });
  });
});

describe("strict device cloud: its own device IDs (deviceIds vendor)", () => {
  it("answers and reports by the UDeviceID's vendor part, and accepts it (or the UDeviceID) in requests", async () => {
    const hub = await startRecorder();
    running.push(hub);
    const { cloud, ids, login } = await strictCloud({
      deviceIds: "vendor",
      ingestUrl: `${hub.origin}${INGEST_PATH}`,
      reportOnOp: true,
    });
    const [washer, ac] = ids as [string, string];
    const vendorWasher = washer.slice(13);
    const vendorAc = ac.slice(13);
    expect(vendorWasher).toBe("001SIM000001");
    const { userId, headers } = await login();

    const bind = await callApi(
      cloud.url,
      "user/bindDevices",
      devicesBody(userId, [vendorWasher, ac, "NOPE1"]),
      headers,
    );
    expect(bind.body).toMatchObject({ RetCode: "200", FailedIDs: ["NOPE1"] });
    const list = await callApi(cloud.url, "users/devices", { UserID: userId }, headers);
    const listed = (list.body.Device as { DeviceInfo: Record<string, unknown> }[]).map(
      (d) => d.DeviceInfo["deviceID "],
    );
    expect(listed.sort()).toEqual([vendorWasher, vendorAc].sort());
    const info = await callApi(cloud.url, "devices/deviceInfo", devicesBody(userId, [washer]), headers);
    expect((info.body.Device as { DeviceInfo: Record<string, unknown> }[])[0]?.DeviceInfo["deviceID "]).toBe(
      vendorWasher,
    );

    const op = await callApi(
      cloud.url,
      "devices/op",
      devicesBody(userId, [vendorWasher], { onOffStatus: "True" }),
      headers,
    );
    expect(op.body.RetCode).toBe("200");
    expect(cloud.devices.get(washer)?.attrs.onOffStatus).toBe("True");
    // Refusals name the device the cloud's way too.
    const vendorThird = (ids[2] ?? "").slice(13);
    const refused = await callApi(
      cloud.url,
      "devices/op",
      devicesBody(userId, [vendorThird], { onOffStatus: "True" }),
      headers,
    );
    expect(refused.body).toEqual({ RetCode: "500", RetInfo: `设备 ${vendorThird} 未绑定到该用户` });
    await expect.poll(() => hub.received.length).toBe(1);
    expect(JSON.parse(hub.received[0]?.text ?? "{}")).toMatchObject({ "DeviceID ": vendorWasher });
  });
});
