import { type AdapterCall, memorySessionStore } from "@yunlian/adapter-sdk";
import { runAdapterConformance } from "@yunlian/adapter-sdk/conformance";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { startHubStub } from "@yunlian/adapter-sdk/sim-kit";
import { miotAdapter } from "../src/index.ts";
import { miotSimAdapterConfig, startMiotSim } from "../src/sim/index.ts";
import { nativeProps } from "./native.ts";

const HUB_PLAT_ID = "YUNLIAN-HUB-TEST";
const APP_SECRET = `whsec_${Buffer.from("miot-conformance-secret-32-bytes").toString("base64")}`;

runAdapterConformance({
  name: "miot",
  adapter: miotAdapter,
  async setup() {
    const hub = await startHubStub();
    const sim = await startMiotSim({
      verifyUrl: hub.verifyUrl,
      pushUrl: hub.dataGatewayUrl,
      appSecret: APP_SECRET,
    });
    const http = createVendorHttp({ timeoutMs: 2000, blockPrivateAddresses: false });
    const config = miotSimAdapterConfig();
    const platform = {
      platId: sim.platId,
      apiBaseUrl: sim.url,
      adapterConfig: config,
      manufacturerCodes: [sim.manufacturerCode],
    };
    return {
      platform,
      makeCall: (userId: string): AdapterCall => ({
        platform,
        hub: { platId: HUB_PLAT_ID },
        user: { userId },
        sessions: memorySessionStore(),
        issueAuthToken: async () => hub.issue(userId),
        http,
      }),
      deviceIds: sim.deviceIds,
      unknownDeviceId: "00002101020029999999",
      modification: (deviceID) => ({ deviceID, name: `renamed-${Date.now().toString(36)}` }),
      invalidateTokens: () => sim.invalidateTokens(),
      setHanging: (on) => sim.setHanging(on),
      async nativeReport(deviceId, attrs) {
        const before = hub.received.length;
        await sim.changeAtAppliance(sim.didOf(deviceId), nativeProps(config, deviceId, attrs));
        const received = await hub.waitFor(before + 1);
        return JSON.parse(received[before]?.text ?? "null") as unknown;
      },
      async teardown() {
        await http.close();
        await sim.close();
        await hub.close();
      },
    };
  },
});
