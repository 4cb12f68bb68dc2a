import { type AdapterCall, AdapterError, memorySessionStore } from "@yunlian/adapter-sdk";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { startHubStub } from "@yunlian/adapter-sdk/sim-kit";
import { requestSigningContent } from "@yunlian/protocol";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { miotAdapter } from "../src/index.ts";
import { type MiotSim, miotSimAdapterConfig, startMiotSim } from "../src/sim/index.ts";

const SECRET = `whsec_${Buffer.from("miot-native-test-secret-32-bytes").toString("base64")}`;
let sim: MiotSim;
let hub: Awaited<ReturnType<typeof startHubStub>>;
const http = createVendorHttp({ timeoutMs: 2000, blockPrivateAddresses: false });
const config = miotSimAdapterConfig();
let n = 0;

function call(): AdapterCall {
  const userId = `native${++n}`;
  const platform = {
    platId: "VENDOR-MIOT",
    apiBaseUrl: sim.url,
    adapterConfig: config,
    manufacturerCodes: ["000021"],
  };
  return {
    platform,
    hub: { platId: "HUB" },
    user: { userId },
    sessions: memorySessionStore(),
    issueAuthToken: async () => hub.issue(userId),
    http,
  };
}

beforeAll(async () => {
  hub = await startHubStub();
  sim = await startMiotSim({ verifyUrl: hub.verifyUrl, pushUrl: hub.dataGatewayUrl, appSecret: SECRET });
});
afterAll(async () => {
  await http.close();
  await sim.close();
  await hub.close();
});

describe("MIoT adapter against the MIoT sim", () => {
  it("maps attributes onto siid/piid both ways", async () => {
    const c = call();
    const [w = "", a = ""] = sim.deviceIds;
    await miotAdapter.bind(c, [w, a]);
    await miotAdapter.op(c, [
      { deviceId: a, attrs: { mode: "heat", targetTemperature: "22.5", windSpeed: "high" } },
    ]);
    expect(sim.state.devices.get(sim.didOf(a))?.props.get("2.2")).toBe(3);
    expect(sim.state.devices.get(sim.didOf(a))?.props.get("2.3")).toBe(22.5);
    const [status] = await miotAdapter.deviceStatus(c, [a]);
    expect(status?.attrs).toMatchObject({
      mode: "heat",
      targetTemperature: "22.5",
      windSpeed: "high",
      onLine: "True",
    });
  });

  it("fails the op naming the attribute when one property fails (read-only door lock)", async () => {
    const c = call();
    const [w = ""] = sim.deviceIds;
    await miotAdapter.bind(c, [w]);
    const error = await miotAdapter
      .op(c, [{ deviceId: w, attrs: { laundryCycle: "5", doorLockStatus: "True" } }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe("rejected");
    expect((error as AdapterError).message).toMatch(/doorLockStatus: property not writable/);
    expect((error as AdapterError).message).not.toMatch(/laundryCycle/);
  });

  it("refuses values outside the mapping before calling the cloud", async () => {
    const c = call();
    const [w = ""] = sim.deviceIds;
    for (const attrs of [{ laundryCycle: "9" }, { onOffStatus: "yes" }, { spin: "1200" }] as Record<
      string,
      string
    >[]) {
      const error = await miotAdapter.op(c, [{ deviceId: w, attrs }]).catch((e: unknown) => e);
      expect((error as AdapterError).kind).toBe("invalid");
      expect((error as AdapterError).message).toContain(Object.keys(attrs)[0]);
    }
  });

  // Issue 14: attribute names come from the request; Object.prototype's are not mapped.
  it.each(["constructor", "__proto__", "toString"])("refuses attribute %s as not mapped", async (attr) => {
    const [w = ""] = sim.deviceIds;
    const attrs = Object.fromEntries([[attr, "1"]]);
    const error = await miotAdapter.op(call(), [{ deviceId: w, attrs }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).message).toContain(`attribute ${attr} is not mapped`);
  });

  it("reports an offline device as onLine False", async () => {
    const c = call();
    const w = sim.deviceIds[2] ?? "";
    await miotAdapter.bind(c, [w]);
    await sim.setOnline(sim.didOf(w), false);
    try {
      expect((await miotAdapter.deviceStatus(c, [w]))[0]?.attrs).toEqual({ onLine: "False" });
      await expect(miotAdapter.op(c, [{ deviceId: w, attrs: { onOffStatus: "True" } }])).rejects.toThrow(
        /device offline/,
      );
    } finally {
      await sim.setOnline(sim.didOf(w), true);
    }
  });

  it("pushes signed properties_changed bodies that parseReport normalises", async () => {
    const w = sim.deviceIds[0] ?? "";
    const before = hub.received.length;
    await sim.changeAtAppliance(sim.didOf(w), { "2.1": true, "2.3": 6, "9.9": 1 });
    const [pushed] = (await hub.waitFor(before + 1)).slice(before);
    expect(pushed?.headers.platid).toBe("VENDOR-MIOT");
    expect(() =>
      new Webhook(SECRET).verify(
        requestSigningContent("POST", "/v1/dataservices/dataGateway", pushed?.text ?? ""),
        pushed?.headers as Record<string, string>,
        { jsonParse: false },
      ),
    ).not.toThrow();
    const reports = miotAdapter.parseReport(call().platform, pushed?.text);
    expect(reports).toEqual([
      {
        udeviceId: w,
        dataType: "attr",
        deviceStatus: { onOffStatus: "True", laundryCycle: "6" },
        timestamp: expect.stringMatching(/^\d{13}$/),
      },
    ]);
    const offline = {
      id: "1",
      method: "device_offline",
      did: sim.didOf(w),
      model: "yunlian.washer.sim1",
      time: 5,
      params: [],
    };
    expect(miotAdapter.parseReport(call().platform, offline)[0]).toMatchObject({
      dataType: "onOffline",
      deviceStatus: { onLine: "False" },
      timestamp: "5",
    });
    const bad = { ...offline, method: "properties_changed", params: [{ siid: 2, piid: 1, value: "on" }] };
    expect(() => miotAdapter.parseReport(call().platform, bad)).toThrow(/onOffStatus/);
  });

  it("the sim refuses unknown siid/piid and wrong value types with MIoT codes", async () => {
    const c = call();
    const session = await miotAdapter.login(c);
    const did = sim.didOf(sim.deviceIds[3] ?? "");
    await miotAdapter.bind({ ...c, sessions: memorySessionStore(session) }, [sim.deviceIds[3] ?? ""]);
    const post = (path: string, body: unknown) =>
      http.postJson(`${sim.url}${path}`, body, { headers: { "Access-Token": session.accessToken } });
    const got = JSON.parse(
      (
        await post("/miotspec/prop/get", {
          params: [
            { did, siid: 7, piid: 1 },
            { did, siid: 2, piid: 9 },
          ],
        })
      ).text,
    );
    expect(got.result.map((r: { code: number }) => r.code)).toEqual([-704044002, -704044003]);
    const set = JSON.parse(
      (await post("/miotspec/prop/set", { params: [{ did, siid: 2, piid: 1, value: "true" }] })).text,
    );
    expect(set.result[0].code).toBe(-704004043);
    expect((await post("/device/list", {})).status).toBe(200);
    expect(
      (await http.postJson(`${sim.url}/device/list`, {}, { headers: { "Access-Token": "stale" } })).status,
    ).toBe(401);
  });
});
