import { requestSigningContent } from "@yunlian/protocol";
import { Webhook } from "standardwebhooks";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { defaultDevices, startAppPlatform, startDeviceCloud } from "../src/index.ts";
import { callApi, devicesBody } from "./helpers.ts";

const SECRET = `whsec_${Buffer.from("a-test-secret-of-32-bytes-length").toString("base64")}`;
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function pair(rules?: Parameters<typeof startAppPlatform>[0]["rules"], hubUrl?: string) {
  const app = await startAppPlatform({
    platId: "APP-A",
    users: [{ loginId: "alice", authToken: "tok-a" }],
    appSecret: SECRET,
    rules,
    hubUrl,
  });
  const cloud = await startDeviceCloud({
    platId: "VENDOR-B",
    manufacturerCode: "000006",
    verifyUrl: app.verifyUrl,
    hubDataGatewayUrl: app.dataGatewayUrl,
    appSecret: SECRET,
  });
  running.push(cloud, app);
  return { app, cloud };
}

describe("vendor-sim status reports", () => {
  it("pushes an attr report when the device changes, signed over method, path and body", async () => {
    const { app, cloud } = await pair();
    const washer = [...cloud.devices.keys()][0] as string;
    const res = await cloud.setDeviceAttrs(washer, { runningstatus: "1" });
    expect(res?.status).toBe(200);
    const [report] = await app.waitForReports(1);
    expect(report?.body).toMatchObject({
      DeviceID: washer,
      DataType: "attr",
      DeviceStatus: { runningstatus: "1" },
    });
    expect(report?.headers.platid).toBe("VENDOR-B");
    expect(report?.webhookId).toMatch(/^msg_/);
    // What a vendor sends the hub (docs/design.md §7): the content is METHOD path\nbody.
    const signed = requestSigningContent("POST", "/v1/dataservices/dataGateway", report?.text ?? "");
    expect(() =>
      new Webhook(SECRET).verify(signed, report?.headers ?? {}, { jsonParse: false }),
    ).not.toThrow();
    expect(() => new Webhook(SECRET).verify(report?.text ?? "", report?.headers ?? {})).toThrow();
    expect(cloud.devices.get(washer)?.attrs.runningstatus).toBe("1");
  });

  it("answers according to the receiver mode", async () => {
    const { app, cloud } = await pair();
    const washer = [...cloud.devices.keys()][0] as string;
    app.setReceiverMode("fail500");
    expect((await cloud.pushReport({ DeviceID: washer }))?.status).toBe(500);
    app.setReceiverMode("down410");
    expect((await cloud.pushReport({ DeviceID: washer }))?.status).toBe(410);
    app.setReceiverMode("ok");
    const alarm = await cloud.pushReport({
      DeviceID: washer,
      DataType: "alarm",
      DeviceStatus: { error: "E1" },
    });
    expect(alarm.json).toEqual({ RetCode: "200", RetInfo: "上报成功" });
    expect(app.reports.map((r) => r.answeredStatus)).toEqual([500, 410, 200]);
  });

  it("runs a linkage rule: a report of one device operates another through the standard API", async () => {
    // A second device cloud stands in for the hub: it serves the same A → B interfaces.
    const verifier = await startAppPlatform({
      platId: "APP-A",
      users: [{ loginId: "alice", authToken: "tok-a" }],
    });
    const hubLike = await startDeviceCloud({
      platId: "HUB",
      manufacturerCode: "000007",
      verifyUrl: verifier.verifyUrl,
    });
    running.push(hubLike, verifier);
    const washer = defaultDevices("000006")[0]?.info.deviceID ?? "";
    const target = [...hubLike.devices.keys()][1] ?? "";
    const rule = {
      when: { deviceId: washer, attr: "runningstatus", equals: "2" },
      act: { loginId: "alice", deviceId: target, attrs: { onOffStatus: "True" } },
    };
    const { app, cloud } = await pair([rule], hubLike.url.replace(/\/v1$/, ""));

    // alice (of APP-A) binds the target at the hub-like cloud; the rule logs in as the same user.
    const login = await callApi(
      hubLike.url,
      "user/login",
      { User: [{ UserBase: { loginID: "alice" } }], AuthToken: "tok-a" },
      {
        PlatID: "APP-A",
      },
    );
    const userId = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
    const headers = { PlatID: "APP-A", AccessToken: login.headers.get("accesstoken") ?? "" };
    await callApi(hubLike.url, "user/bindDevices", devicesBody(userId, [target]), headers);

    await cloud.setDeviceAttrs(washer, { runningstatus: "1" });
    await cloud.setDeviceAttrs(washer, { runningstatus: "2" });
    const [outcome] = await app.waitForLinkage(1);
    expect(outcome).toMatchObject({ rule: 0, deviceId: target, status: 200, retCode: "200" });
    expect(hubLike.devices.get(target)?.attrs.onOffStatus).toBe("True");
    expect(app.linkage).toHaveLength(1);
    const op = hubLike.calls.find((c) => c.api === "devices/op");
    expect(op?.headers["webhook-signature"]).toMatch(/^v1,/);
  });

  it("verifies the hub's webhooks with its webhookSecret, and vouches only for signed verify calls", async () => {
    const app = await startAppPlatform({
      platId: "APP-W",
      users: [{ loginId: "alice", authToken: "tok-a" }],
      webhookSecret: SECRET,
    });
    running.push(app);
    const other = `whsec_${Buffer.from("another-secret-of-32-bytes-long!").toString("base64")}`;
    const post = async (url: string, body: string, secret: string) => {
      const id = `msg_${Math.random().toString(36).slice(2)}`;
      const now = new Date();
      const res = await request(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          PlatID: "HUB",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": new Webhook(secret).sign(id, now, body),
        },
        body,
      });
      return (await res.body.json()) as { RetCode: string };
    };
    const verify = JSON.stringify({ User: [{ UserBase: { loginID: "alice" } }], AuthToken: "tok-a" });
    expect((await post(app.verifyUrl, verify, SECRET)).RetCode).toBe("200");
    expect((await post(app.verifyUrl, verify, other)).RetCode).toBe("401");
    expect(app.verifyCalls.map((c) => c.signatureValid)).toEqual([true, false]);
    const report = JSON.stringify({
      DeviceID: "0000060102002001ABC",
      DataType: "attr",
      DeviceStatus: { onOffStatus: "True" },
      TimeStamp: "1",
    });
    await post(app.dataGatewayUrl, report, SECRET);
    await post(app.dataGatewayUrl, report, other);
    expect(app.reports.map((r) => r.signatureValid)).toEqual([true, false]);
  });
});
