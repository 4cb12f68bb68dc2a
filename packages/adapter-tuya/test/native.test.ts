import { type AdapterCall, AdapterError, memorySessionStore } from "@yunlian/adapter-sdk";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { startHubStub } from "@yunlian/adapter-sdk/sim-kit";
import { requestSigningContent } from "@yunlian/protocol";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tuyaAdapter } from "../src/index.ts";
import { startTuyaSim, type TuyaSim, tuyaSimAdapterConfig } from "../src/sim/index.ts";

const SECRET = `whsec_${Buffer.from("tuya-native-test-secret-32-byte").toString("base64")}`;
const http = createVendorHttp({ timeoutMs: 2000, blockPrivateAddresses: false });
let hub: Awaited<ReturnType<typeof startHubStub>>;
let sim: TuyaSim;
let n = 0;

function callFor(target: TuyaSim, adapterConfig: unknown = tuyaSimAdapterConfig()): AdapterCall {
  const userId = `tnative${++n}`;
  const platform = {
    platId: "VENDOR-TUYA",
    apiBaseUrl: target.url,
    adapterConfig,
    manufacturerCodes: ["000022"],
  };
  return {
    platform,
    hub: { platId: "HUB" },
    user: { userId },
    sessions: memorySessionStore(),
    issueAuthToken: async () => "unused",
    http,
  };
}
const tokenCalls = (target: TuyaSim, kind: "grant" | "refresh") =>
  target.calls.filter((c) =>
    kind === "grant" ? c.path === "/v1.0/token" : c.path.startsWith("/v1.0/token/"),
  ).length;
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as AdapterError,
  );

beforeAll(async () => {
  hub = await startHubStub();
  sim = await startTuyaSim({ pushUrl: hub.dataGatewayUrl, appSecret: SECRET });
});
afterAll(async () => {
  await http.close();
  await sim.close();
  await hub.close();
});

describe("Tuya project token", () => {
  it("is refreshed with the refresh token shortly before it expires", async () => {
    const shortLived = await startTuyaSim({ tokenTtlSeconds: 3 });
    try {
      const config = { ...tuyaSimAdapterConfig(), tokenRefreshMarginSeconds: 2.7 };
      const call = callFor(shortLived, config);
      await tuyaAdapter.listDevices(call);
      expect([tokenCalls(shortLived, "grant"), tokenCalls(shortLived, "refresh")]).toEqual([1, 0]);
      await tuyaAdapter.listDevices(call);
      expect(tokenCalls(shortLived, "refresh")).toBe(0);
      await new Promise((r) => setTimeout(r, 400));
      await tuyaAdapter.listDevices(call);
      expect([tokenCalls(shortLived, "grant"), tokenCalls(shortLived, "refresh")]).toEqual([1, 1]);
    } finally {
      await shortLived.close();
    }
  });

  it("is fetched again exactly once after a 1010 answer, and shared by all users", async () => {
    const a = callFor(sim);
    const b = callFor(sim);
    await tuyaAdapter.listDevices(a);
    await tuyaAdapter.listDevices(b);
    const grants = tokenCalls(sim, "grant");
    sim.invalidateTokens();
    await tuyaAdapter.listDevices(a);
    await tuyaAdapter.listDevices(b);
    expect(tokenCalls(sim, "grant")).toBe(grants + 1);
  });
});

describe("Tuya HTTP", () => {
  it("goes through the hub's shared client: a client that blocks private addresses refuses the loopback sim", async () => {
    const guarded = createVendorHttp({ timeoutMs: 2000, blockPrivateAddresses: true });
    try {
      const before = sim.calls.length;
      const err = await errorOf(tuyaAdapter.listDevices({ ...callFor(sim), http: guarded }));
      expect(err).toBeInstanceOf(AdapterError);
      expect(err?.kind).toBe("unreachable");
      // Refused when connecting: the sim never saw a request.
      expect(sim.calls.length).toBe(before);
    } finally {
      await guarded.close();
    }
  });
});

describe("Tuya data points", () => {
  it("maps attributes to DP codes and values both ways", async () => {
    const call = callFor(sim);
    const ac = sim.deviceIds[1] ?? "";
    expect((await tuyaAdapter.bind(call, [ac])).failedIds).toEqual([]);
    await tuyaAdapter.op(call, [
      { deviceId: ac, attrs: { mode: "heat", targetTemperature: "22.5", windSpeed: "mid" } },
    ]);
    const status = sim.state.devices.get(sim.idOf(ac))?.status;
    expect([status?.get("mode"), status?.get("temp_set"), status?.get("fan_speed_enum")]).toEqual([
      "hot",
      225,
      "middle",
    ]);
    const [state] = await tuyaAdapter.deviceStatus(call, [ac]);
    expect(state?.attrs).toMatchObject({
      mode: "heat",
      targetTemperature: "22.5",
      windSpeed: "mid",
      onLine: "True",
    });
  });

  it("refuses unmapped values naming the attribute, and passes on the cloud's refusal", async () => {
    const call = callFor(sim);
    const washer = sim.deviceIds[0] ?? "";
    await tuyaAdapter.bind(call, [washer]);
    for (const attrs of [{ laundryCycle: "9" }, { onOffStatus: "perhaps" }, { spin: "1200" }] as Record<
      string,
      string
    >[]) {
      const error = await errorOf(tuyaAdapter.op(call, [{ deviceId: washer, attrs }]));
      expect(error?.kind).toBe("invalid");
      expect(error?.message).toContain(Object.keys(attrs)[0]);
    }
    const readOnly = await errorOf(
      tuyaAdapter.op(call, [{ deviceId: washer, attrs: { doorLockStatus: "True" } }]),
    );
    expect(readOnly?.kind).toBe("rejected");
    expect(readOnly?.message).toMatch(/door_lock.*2008/);
  });

  // Issue 14: attribute names come from the request; Object.prototype's are not mapped.
  it.each(["constructor", "__proto__", "toString"])("refuses attribute %s as not mapped", async (attr) => {
    const call = callFor(sim);
    const washer = sim.deviceIds[0] ?? "";
    await tuyaAdapter.bind(call, [washer]);
    const attrs = Object.fromEntries([[attr, "1"]]);
    const error = await errorOf(tuyaAdapter.op(call, [{ deviceId: washer, attrs }]));
    expect(error?.message).toContain(`attribute ${attr} is not mapped`);
  });

  it("turns signed status and online pushes into normalised reports", async () => {
    const washer = sim.deviceIds[2] ?? "";
    const before = hub.received.length;
    await sim.changeAtAppliance(sim.idOf(washer), {
      switch: true,
      work_state: "washing",
      mode: "wool",
      unknown_dp: 1,
    });
    await sim.setOnline(sim.idOf(washer), false);
    const [status, offline] = (await hub.waitFor(before + 2)).slice(before);
    const platform = callFor(sim).platform;
    for (const pushed of [status, offline]) {
      expect(pushed?.headers.platid).toBe("VENDOR-TUYA");
      expect(() =>
        new Webhook(SECRET).verify(
          requestSigningContent("POST", "/v1/dataservices/dataGateway", pushed?.text ?? ""),
          pushed?.headers as Record<string, string>,
          { jsonParse: false },
        ),
      ).not.toThrow();
    }
    expect(tuyaAdapter.parseReport(platform, status?.text)).toEqual([
      {
        udeviceId: washer,
        dataType: "attr",
        deviceStatus: { onOffStatus: "True", runningstatus: "1", laundryCycle: "4" },
        timestamp: expect.stringMatching(/^\d{13}$/),
      },
    ]);
    expect(tuyaAdapter.parseReport(platform, offline?.text)[0]).toMatchObject({
      dataType: "onOffline",
      deviceStatus: { onLine: "False" },
    });
    await sim.setOnline(sim.idOf(washer), true);
    const bad = {
      devId: sim.idOf(washer),
      productKey: "ylwash01sim",
      status: [{ code: "mode", value: "spin", t: 1 }],
    };
    expect(() => tuyaAdapter.parseReport(platform, bad)).toThrow(/laundryCycle/);
    expect(() =>
      tuyaAdapter.parseReport(platform, {
        devId: "x",
        productKey: "nope",
        status: [{ code: "switch", value: true }],
      }),
    ).toThrow(AdapterError);
  });
});
