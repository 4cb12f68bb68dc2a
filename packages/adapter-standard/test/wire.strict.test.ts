import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AdapterCall,
  AdapterError,
  memorySessionStore,
  type VendorPlatform,
} from "@yunlian/adapter-sdk";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { standardAdapter } from "../src/index.ts";
import { listedBack, wireIds } from "../src/vendor-ids.ts";

/** A scripted cloud that answers the way the standard's examples are printed. */
let answer: (api: string) => string;
const seen: { api: string; body: Record<string, unknown> }[] = [];
let server: Server;
let base: string;
const http = createVendorHttp({ timeoutMs: 2000, blockPrivateAddresses: false });

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => {
      text += c.toString();
    });
    req.on("end", () => {
      const api = (req.url ?? "").replace(/^\/v1\//, "");
      seen.push({ api, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(answer(api));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await http.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const WASHER = "0000060102002C8934610162D";
const AC = "0000060103001C89346112DD5";

function platform(adapterConfig: object = { deviceIds: "vendor" }, codes = ["000006"]): VendorPlatform {
  return { platId: "V", apiBaseUrl: base, adapterConfig, manufacturerCodes: codes };
}

function call(p = platform()): AdapterCall {
  return {
    platform: p,
    hub: { platId: "HUB" },
    user: { userId: "hubuser1" },
    sessions: memorySessionStore({ vendorUserId: "100013954770780042", accessToken: "TGT-1" }),
    issueAuthToken: async () => "AUTH-1",
    http,
  };
}

const deviceIdsSent = () =>
  ((seen.at(-1)?.body.Device ?? []) as { DeviceInfo: { deviceID: string } }[]).map(
    (d) => d.DeviceInfo.deviceID,
  );

describe("standard adapter, deviceIds vendor: the vendor part out, the request's UDeviceIDs back", () => {
  it("binds by vendor ID and maps FailedIDs back", async () => {
    answer = () => '{"RetCode":"200","RetInfo":"部分设备绑定失败","FailedIDs":["C89346112DD5"]}';
    const result = await standardAdapter.bind(call(), [WASHER, AC]);
    expect(deviceIdsSent()).toEqual(["C8934610162D", "C89346112DD5"]);
    expect(result.failedIds).toEqual([AC]);
  });

  it("reads deviceInfo answers with the example's stray-space key and the vendor's ID", async () => {
    answer = () =>
      '{"RetInfo":"ok","RetCode":"200","Device":[{"DeviceInfo":{"deviceID ":"C8934610162D","deviceType":"02002001","model":"型号 A"}}]}';
    const [info] = await standardAdapter.deviceInfo(call(), [WASHER]);
    expect(deviceIdsSent()).toEqual(["C8934610162D"]);
    expect(info).toMatchObject({ deviceID: WASHER, model: "型号 A" });
  });

  it("reads a positional deviceStatus answer (table 45: no deviceID) with stray-space attribute keys", async () => {
    answer = () =>
      '{"RetInfo":"ok","RetCode":"200","Device":[{"DeviceAttr":{"onOffStatus ":"True","runningstatus ":"1"}},{"DeviceAttr":{"onLine":"False"}}]}';
    const states = await standardAdapter.deviceStatus(call(), [WASHER, AC]);
    expect(states).toEqual([
      { deviceId: WASHER, attrs: { onOffStatus: "True", runningstatus: "1" } },
      { deviceId: AC, attrs: { onLine: "False" } },
    ]);
  });

  it("operates and modifies by vendor ID; a UDeviceID vendor (the default) gets the full ID", async () => {
    answer = () => '{"RetInfo":"ok","RetCode":"200"}';
    await standardAdapter.op(call(), [{ deviceId: WASHER, attrs: { laundryCycle: "5" } }]);
    expect(deviceIdsSent()).toEqual(["C8934610162D"]);
    await standardAdapter.modifyDeviceInfo(call(), [{ deviceID: AC, model: "新型号 B" }]);
    expect(seen.at(-1)?.body.Device).toEqual([
      { DeviceInfo: { deviceID: "C89346112DD5", model: "新型号 B" } },
    ]);
    await standardAdapter.op(call(platform({})), [{ deviceId: WASHER, attrs: { laundryCycle: "5" } }]);
    expect(deviceIdsSent()).toEqual([WASHER]);
  });

  it("rebuilds a listed device's UDeviceID from the one manufacturer code and its deviceType", async () => {
    answer = () =>
      '{"RetCode":"200","RetInfo":"ok","Device":[{"DeviceInfo":{"deviceID ":"C8934610162D","deviceType":"02002001"}},{"DeviceInfo":{"deviceID ":"X1"}}]}';
    const listed = await standardAdapter.listDevices(call());
    expect(listed.map((d) => d.deviceID)).toEqual([WASHER, "X1"]);
    // Two manufacturer codes: no way to tell which, so the vendor's ID stays (the hub then drops it).
    const ambiguous = listedBack(platform({ deviceIds: "vendor" }, ["000006", "000007"]), {
      deviceID: "C8934610162D",
      deviceType: "02002001",
    });
    expect(ambiguous.deviceID).toBe("C8934610162D");
    expect(wireIds(platform({}), [WASHER]).sent).toEqual([WASHER]);
  });

  it("keeps a RetCode 500 a business refusal", async () => {
    answer = () => '{"RetCode":"500","RetInfo":"设备 C8934610162D 未绑定到该用户"}';
    const error = await standardAdapter.op(call(), [{ deviceId: WASHER, attrs: { a: "1" } }]).catch((e) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect(error).toMatchObject({ kind: "rejected", vendorRetCode: "500" });
  });
});
