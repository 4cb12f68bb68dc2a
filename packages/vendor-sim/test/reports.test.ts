import { Webhook } from "standardwebhooks";
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
  it("pushes a signed attr report when the device changes", async () => {
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
    expect(report?.signatureValid).toBe(true);
    expect(() => new Webhook(SECRET).verify(report?.text ?? "", report?.headers ?? {})).not.toThrow();
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
});
