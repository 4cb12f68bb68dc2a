import { type AdapterCall, memorySessionStore } from "@yunlian/adapter-sdk";
import { runAdapterConformance } from "@yunlian/adapter-sdk/conformance";
import { createVendorHttp } from "@yunlian/adapter-sdk/http";
import { type DeviceCloudOptions, startAppPlatform, startDeviceCloud } from "@yunlian/vendor-sim";
import { standardAdapter } from "../src/index.ts";
import { startVerifyServer } from "./verify-server.ts";

const HUB_PLAT_ID = "YUNLIAN-HUB-TEST";

/**
 * The conformance suite against a device cloud built to the letter of the standard (vendor-sim
 * strict mode): RetCode "200"/"500" only, HTTP 200 always, "AccessToken 已失效" for a dropped
 * session, the examples' stray-space keys, positional deviceStatus answers, reports with no header.
 */
function strictRun(
  name: string,
  cloudOptions: Partial<DeviceCloudOptions>,
  adapterConfig: object,
  knownGaps: Record<string, string>,
) {
  runAdapterConformance({
    name,
    adapter: standardAdapter,
    knownGaps,
    async setup() {
      const verify = await startVerifyServer();
      // Stands in for the vendor's ingestUrl at the hub so reports are the real pushed bodies.
      const receiver = await startAppPlatform({ platId: HUB_PLAT_ID, users: [] });
      const sim = await startDeviceCloud({
        platId: "VENDOR-STRICT",
        manufacturerCode: "000006",
        verifyUrl: verify.url,
        ingestUrl: receiver.dataGatewayUrl,
        strict: true,
        ...cloudOptions,
      });
      const http = createVendorHttp({ timeoutMs: 2000, blockPrivateAddresses: false });
      const platform = {
        platId: "VENDOR-STRICT",
        apiBaseUrl: sim.url,
        vendorAppId: "hub-app-id",
        adapterConfig,
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
        // A vendor-ID report keeps the vendor's ID; the hub maps it through its bindings.
        reportedDeviceId: (id) => (cloudOptions.deviceIds === "vendor" ? id.slice(13) : id),
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
}

strictRun(
  "standard, strict cloud (UDeviceIDs, DeviceStatus as a string)",
  { deviceStatusAs: "string" },
  {},
  {},
);
strictRun(
  "standard, strict cloud (its own device IDs)",
  { deviceIds: "vendor" },
  { deviceIds: "vendor" },
  {},
);
