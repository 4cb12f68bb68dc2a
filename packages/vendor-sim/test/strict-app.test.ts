import { afterEach, describe, expect, it } from "vitest";
import { bareUserIdJson, HubTransportError, startAppPlatform, startDeviceCloud } from "../src/index.ts";
import { callApi } from "./helpers.ts";
import { startRecorder } from "./recorder.ts";

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const LOGIN_OK = {
  headers: { AccessToken: "HUB-TOKEN-1" },
  body: '{"RetCode":"200","RetInfo":"登录成功。","User":[{"UserBase":{"userID":"100013954770780042"}}]}',
};

/** A strict platform whose hub is a recorder answering what `reply` says. */
async function strictApp(reply?: Parameters<typeof startRecorder>[0]) {
  const hub = await startRecorder(reply);
  const app = await startAppPlatform({
    platId: "APP-STRICT",
    appId: "HUB-ISSUED-APPID",
    users: [{ loginId: "alice", authToken: "tok-a" }],
    hubUrl: hub.origin,
    strict: true,
  });
  running.push(app, hub);
  const client = app.hub;
  if (client === undefined) throw new Error("no hub client");
  return { app, hub, client };
}

describe("strict app platform: its calls to the hub", () => {
  it("logs in with PlateID and AuthToken in the header (table 9, 7.1.1's example), and no signature", async () => {
    const { hub, client } = await strictApp(() => LOGIN_OK);
    const session = await client.login("alice", "tok-a");
    expect(session).toEqual({ userId: "100013954770780042", accessToken: "HUB-TOKEN-1" });
    const [req] = hub.received;
    expect(req?.url).toBe("/v1/user/login");
    expect(req?.headers.plateid).toBe("APP-STRICT");
    expect(req?.headers.platid).toBeUndefined();
    expect(req?.headers.appid).toBe("HUB-ISSUED-APPID");
    expect(req?.headers.authtoken).toBe("tok-a");
    expect(req?.headers["webhook-signature"]).toBeUndefined();
    expect(JSON.parse(req?.text ?? "{}")).toEqual({ User: [{ UserBase: { loginID: "alice" } }] });
  });

  it("writes a digit UserID as a bare JSON number (7.2.5's example) and never sends Idempotency-Key", async () => {
    const { hub, client } = await strictApp(() => ({ body: '{"RetCode":"200","RetInfo":"ok"}' }));
    const body = {
      UserID: "100013954770780042",
      Device: [
        { DeviceInfo: { deviceID: "00000601020020010007A88A184D" }, DeviceAttr: { laundryCycle: "5" } },
      ],
    };
    await client.call("devices/op", body, {
      accessToken: "HUB-TOKEN-1",
      headers: { "Idempotency-Key": "op-1" },
    });
    const [req] = hub.received;
    expect(req?.text.startsWith('{"UserID":100013954770780042,"Device":[')).toBe(true);
    expect(req?.headers["idempotency-key"]).toBeUndefined();
    expect(req?.headers.accesstoken).toBe("HUB-TOKEN-1");
    // A UserID that is not digits (the hub's own are "U…") has no number to write.
    expect(bareUserIdJson({ UserID: "U0ABC" })).toBe('{"UserID":"U0ABC"}');
    expect(bareUserIdJson({ UserID: "007" })).toBe('{"UserID":"007"}');
    expect(bareUserIdJson({ UserID: "42" })).toBe('{"UserID":42}');
  });

  it("treats any HTTP status but 200 as a transport failure, whatever the body says", async () => {
    let status = 401;
    const { client } = await strictApp(() => ({
      status,
      body: '{"RetCode":"401","RetInfo":"token expired"}',
    }));
    const error = await client.call("users/devices", { UserID: "1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubTransportError);
    expect((error as HubTransportError).status).toBe(401);
    status = 200;
    // Under the hub's "httpStatus":"always200" the same verdict arrives as a body the platform reads.
    const res = await client.call("users/devices", { UserID: "1" });
    expect(res.json).toEqual({ RetCode: "401", RetInfo: "token expired" });
  });

  it("refuses an appSecret: the standard has no signatures", async () => {
    await expect(
      startAppPlatform({
        platId: "P",
        users: [],
        strict: true,
        appSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      }),
    ).rejects.toThrow(/signs nothing/);
  });
});

describe("strict app platform: its verify endpoint (7.1.4) and dataGateway receiver (7.2.8)", () => {
  it("vouches with RetCode 200, refuses with 500 (never 401), always HTTP 200; PlatID is required (table 26)", async () => {
    const { app } = await strictApp();
    const verify = (authToken: string, headers: Record<string, string> = { PlatID: "VENDOR-S" }) =>
      callApi(
        app.url,
        "user/verify",
        { User: [{ UserBase: { loginID: "alice" } }], AuthToken: authToken },
        headers,
      );
    const good = await verify("tok-a");
    expect([good.status, good.body.RetCode]).toEqual([200, "200"]);
    const bad = await verify("wrong");
    expect([bad.status, bad.body.RetCode]).toEqual([200, "500"]);
    const anonymous = await verify("tok-a", {});
    expect([anonymous.status, anonymous.body.RetCode]).toEqual([200, "500"]);
    // 7.1.4's example carries AuthToken among the header lines: read there too.
    const headerToken = await callApi(
      app.url,
      "user/verify",
      { User: [{ UserBase: { loginID: "alice" } }] },
      { PlatID: "VENDOR-S", AuthToken: "tok-a" },
    );
    expect(headerToken.body.RetCode).toBe("200");
  });

  it("reads DeviceStatus as an object or a JSON string, answers 上报成功, and an unreadable report 500 with HTTP 200", async () => {
    const { app } = await strictApp();
    const report = (DeviceStatus: unknown) => ({
      TimeStamp: "1444965812870",
      "DeviceID ": "C8934610162D",
      DataType: "attr",
      DeviceStatus,
    });
    const asObject = await callApi(app.url, "dataservices/dataGateway", report({ "onOffStatus ": "True" }));
    const asString = await callApi(app.url, "dataservices/dataGateway", report('{"onOffStatus ":"True"}'));
    for (const res of [asObject, asString]) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ RetCode: "200", RetInfo: "上报成功" });
    }
    expect(app.reports.map((r) => (r.body as { DeviceStatus: unknown }).DeviceStatus)).toEqual([
      { onOffStatus: "True" },
      { onOffStatus: "True" },
    ]);
    const broken = await callApi(app.url, "dataservices/dataGateway", report(42));
    expect(broken.status).toBe(200);
    expect(broken.body.RetCode).toBe("500");
    expect(String(broken.body.RetInfo)).toMatch(/^上报数据格式错误/);
  });

  it("takes a DataType the standard does not have as a hub notice: recorded apart, answered 200", async () => {
    const { app } = await strictApp();
    const notice = {
      DeviceID: "000006010200200C89346112DD5",
      DataType: "grant",
      DeviceStatus: { grant: "granted", grantorPlatId: "APP-A", granteePlatId: "APP-B" },
      TimeStamp: "1444965812870",
    };
    const res = await callApi(app.url, "dataservices/dataGateway", notice);
    expect(res.status).toBe(200);
    expect(res.body.RetCode).toBe("200");
    expect(app.notices.map((n) => n.body)).toEqual([notice]);
    expect(app.reports).toEqual([]);
  });

  it("is what a strict device cloud logs its users in against", async () => {
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
    });
    running.push(cloud, app);
    const login = (authToken: string) =>
      callApi(
        cloud.url,
        "user/login",
        { User: [{ UserBase: { loginID: "alice" } }], AuthToken: authToken },
        { PlatID: "APP-A" },
      );
    expect((await login("tok-a")).body.RetCode).toBe("200");
    expect((await login("nope")).body).toEqual({ RetCode: "500", RetInfo: "用户身份验证失败" });
    expect(app.verifyCalls.map((c) => [c.headers.platid, c.retCode])).toEqual([
      ["VENDOR-S", "200"],
      ["VENDOR-S", "500"],
    ]);
  });
});
