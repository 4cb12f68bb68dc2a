import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AdapterCall,
  AdapterError,
  createAdapterRegistry,
  memorySessionStore,
} from "@yunlian/adapter-sdk";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { standardAdapter } from "../src/index.ts";

/** A scripted vendor: each test sets what the next answers are. */
let answer: (api: string) => { status?: number; headers?: Record<string, string>; body: string };
const seen: { api: string; headers: Record<string, unknown>; body: unknown }[] = [];
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
      seen.push({ api, headers: req.headers, body: JSON.parse(text) });
      const a = answer(api);
      res.writeHead(a.status ?? 200, a.headers ?? {});
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
afterAll(async () => {
  await http.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function call(sessions = memorySessionStore({ vendorUserId: "VU1", accessToken: "TOKEN-1" })): AdapterCall {
  return {
    platform: {
      platId: "V",
      apiBaseUrl: base,
      vendorAppId: "APP-9",
      adapterConfig: {},
      manufacturerCodes: ["000006"],
    },
    hub: { platId: "HUB" },
    user: { userId: "hubuser1" },
    sessions,
    issueAuthToken: async () => "AUTH-1",
    http,
  };
}

describe("standard adapter on the wire", () => {
  it("logs in with the hub's PlatID, loginID and AuthToken; reads userID and the AccessToken header", async () => {
    answer = () => ({
      headers: { AccessToken: "TGT-9" },
      body: '{"RetCode":"200","RetInfo":"ok","User":[{"UserBase":{"userID":"42"}}]}',
    });
    const session = await standardAdapter.login(call());
    expect(session).toEqual({ vendorUserId: "42", accessToken: "TGT-9" });
    const req = seen.at(-1);
    expect(req?.api).toBe("user/login");
    expect(req?.headers).toMatchObject({
      platid: "HUB",
      appid: "APP-9",
      "content-type": "application/json;charset=UTF-8",
    });
    expect(req?.headers.accesstoken).toBeUndefined();
    expect(req?.body).toEqual({ User: [{ UserBase: { loginID: "hubuser1" } }], AuthToken: "AUTH-1" });
  });

  it("also accepts the AccessToken in the body, with the standard's quirky keys", async () => {
    answer = () => ({
      body: '{"RetCode":"200","User":[{"UserBase":{"userID ":100013954770780042}}],"AccessToken":"B"}',
    });
    expect(await standardAdapter.login(call())).toEqual({
      vendorUserId: "100013954770780042",
      accessToken: "B",
    });
  });

  it("sends UserID and the AccessToken header on session calls", async () => {
    answer = () => ({ body: '{"RetCode":"200","RetInfo":"ok"}' });
    await standardAdapter.op(call(), [{ deviceId: "D1", attrs: { onOffStatus: "True" } }]);
    expect(seen.at(-1)?.headers).toMatchObject({ platid: "HUB", appid: "APP-9", accesstoken: "TOKEN-1" });
    expect(seen.at(-1)?.body).toEqual({
      UserID: "VU1",
      Device: [{ DeviceInfo: { deviceID: "D1" }, DeviceAttr: { onOffStatus: "True" } }],
    });
  });

  it("classifies vendor answers", async () => {
    const cases: [ReturnType<typeof answer>, string, string?][] = [
      [{ body: "<html>oops</html>" }, "bad_response"],
      [{ body: '{"RetInfo":"no code"}' }, "bad_response"],
      [{ status: 401, body: "" }, "unauthorized"],
      [{ body: '{"RetCode":"500","RetInfo":"washer is busy"}' }, "rejected", "500"],
      [{ status: 403, body: '{"RetCode":"403","RetInfo":"not yours"}' }, "rejected", "403"],
    ];
    for (const [reply, kind, retCode] of cases) {
      answer = (api) =>
        api === "user/login"
          ? { headers: { AccessToken: "N" }, body: '{"RetCode":"200","User":[{"UserBase":{"userID":"1"}}]}' }
          : reply;
      const error = await standardAdapter
        .op(call(), [{ deviceId: "D1", attrs: { a: "1" } }])
        .catch((e: unknown) => e);
      expect(error, JSON.stringify(reply)).toBeInstanceOf(AdapterError);
      expect((error as AdapterError).kind).toBe(kind);
      if (retCode) expect((error as AdapterError).retCode).toBe(retCode);
    }
    answer = () => ({ body: '{"RetCode":"500","RetInfo":"washer is busy"}' });
    await expect(standardAdapter.op(call(), [{ deviceId: "D1", attrs: { a: "1" } }])).rejects.toThrow(
      /washer is busy/,
    );
  });

  it("logout always clears the store, and reports a vendor failure", async () => {
    answer = () => ({ status: 500, body: "down" });
    const sessions = memorySessionStore({ vendorUserId: "VU1", accessToken: "TOKEN-1" });
    // The failure is reported (the hub logs it), but the session is gone all the same.
    await expect(standardAdapter.logout(call(sessions))).rejects.toThrow(AdapterError);
    expect(sessions.current()).toBeUndefined();
  });

  it("rejects a malformed report and a non-UDeviceID", () => {
    const platform = call().platform;
    expect(() => standardAdapter.parseReport(platform, "{bad")).toThrow(AdapterError);
    const report = { DeviceID: "C8934610162D", DataType: "attr", DeviceStatus: {}, TimeStamp: "1" };
    expect(() => standardAdapter.parseReport(platform, report)).toThrow(/UDeviceID/);
    const ok = {
      "DeviceID ": "000006010200201",
      DataType: "onOffline",
      " DeviceStatus": { onLine: true },
      TimeStamp: 5,
    };
    expect(standardAdapter.parseReport(platform, ok)).toEqual([
      {
        udeviceId: "000006010200201",
        dataType: "onOffline",
        deviceStatus: { onLine: "True" },
        timestamp: "5",
      },
    ]);
  });

  it("deviceIds vendor: a report naming the vendor's own ID is handed over as vendorDeviceId", () => {
    const platform = { ...call().platform, adapterConfig: { deviceIds: "vendor" } };
    const report = { "DeviceID ": "C8934610162D", DataType: "attr", DeviceStatus: '{"a":1}', TimeStamp: "1" };
    expect(standardAdapter.parseReport(platform, report)).toEqual([
      {
        udeviceId: "",
        vendorDeviceId: "C8934610162D",
        dataType: "attr",
        deviceStatus: { a: "1" },
        timestamp: "1",
      },
    ]);
    expect(() => standardAdapter.parseReport(platform, { ...report, "DeviceID ": "a b" })).toThrow(
      AdapterError,
    );
  });

  it("registers as an Adapter by the name 'standard'", () => {
    expect(createAdapterRegistry([standardAdapter]).get("standard")).toBe(standardAdapter);
    expect(standardAdapter.configSchema.parse({})).toEqual({});
  });
});

describe("deviceStatus order", () => {
  it("follows echoed deviceIDs, else position", async () => {
    answer = () => ({
      body: JSON.stringify({
        RetCode: "200",
        Device: [
          { DeviceInfo: { deviceID: "B" }, DeviceAttr: { v: "b" } },
          { DeviceInfo: { deviceID: "A" }, DeviceAttr: { v: "a" } },
        ],
      }),
    });
    expect(await standardAdapter.deviceStatus(call(), ["A", "B"])).toEqual([
      { deviceId: "A", attrs: { v: "a" } },
      { deviceId: "B", attrs: { v: "b" } },
    ]);
    answer = () => ({
      body: JSON.stringify({
        RetCode: "200",
        Device: [{ DeviceAttr: { v: "1" } }, { DeviceAttr: { v: "2" } }],
      }),
    });
    expect((await standardAdapter.deviceStatus(call(), ["A", "B"])).map((s) => s.attrs.v)).toEqual([
      "1",
      "2",
    ]);
    answer = () => ({ body: JSON.stringify({ RetCode: "200", Device: [{ DeviceAttr: { v: "1" } }] }) });
    await expect(standardAdapter.deviceStatus(call(), ["A", "B"])).rejects.toMatchObject({
      kind: "bad_response",
    });
  });
});
