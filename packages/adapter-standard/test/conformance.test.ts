import { type AdapterCall, memorySessionStore } from "@yunlian/adapter-sdk";
import { runAdapterConformance } from "@yunlian/adapter-sdk/conformance";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { startAppPlatform, startDeviceCloud } from "@yunlian/vendor-sim";
import { standardAdapter } from "../src/index.ts";
import { startVerifyServer } from "./verify-server.ts";

const HUB_PLAT_ID = "YUNLIAN-HUB-TEST";

runAdapterConformance({
  name: "standard",
  adapter: standardAdapter,
  async setup() {
    const verify = await startVerifyServer();
    // Stands in for the hub's inbound dataGateway so reports are the real pushed bodies.
    const receiver = await startAppPlatform({ platId: HUB_PLAT_ID, users: [] });
    const sim = await startDeviceCloud({
      platId: "VENDOR-STD",
      manufacturerCode: "000006",
      verifyUrl: verify.url,
      hubDataGatewayUrl: receiver.dataGatewayUrl,
    });
    const http = createVendorHttp({ timeoutMs: 2000, blockPrivateAddresses: false });
    const platform = {
      platId: "VENDOR-STD",
      apiBaseUrl: sim.url,
      vendorAppId: "hub-app-id",
      adapterConfig: {},
      manufacturerCodes: ["000006"],
    };
    return {
      platform,
      makeCall: (userId: string): AdapterCall => ({
        platform,
        hub: { platId: HUB_PLAT_ID },
        user: { userId },
        sessions: memorySessionStore(),
        issueAuthToken: async () => verify.issue(userId),
        http,
      }),
      deviceIds: [...sim.devices.keys()],
      unknownDeviceId: "000006010200199UNKNOWN",
      invalidateTokens: () => sim.invalidateTokens(),
      setHanging: (on) => sim.setMode(on ? "hang" : "normal"),
      async nativeReport(deviceId, attrs) {
        const before = receiver.reports.length;
        await sim.setDeviceAttrs(deviceId, attrs);
        const reports = await receiver.waitForReports(before + 1);
        return JSON.parse(reports[before]?.text ?? "null") as unknown;
      },
      async teardown() {
        await http.close();
        await sim.close();
        await receiver.close();
        await verify.close();
      },
    };
  },
});
