/**
 * Development aid, not a benchmark of record: the JS cost of one devices/op inside the hub
 * (StandardEndpoint.serve with every check), the vendor's HTTP replaced by an instant answer.
 * No sockets, so machine noise moves it much less than the end-to-end bench.
 *   npx tsx bench/pipeline.dev.ts
 */
import { createServer } from "node:http";
import type { VendorHttp } from "@yunlian/adapter-sdk/http";
import { startDeviceCloud } from "@yunlian/vendor-sim";
import { newTrace } from "../src/observability/request-context.ts";
import { devicesOp } from "../src/routes/standard/devices-op.ts";
import { adminClient, platformClient } from "../test/support/client.ts";
import { freePort, startTestHub } from "../test/support/harness.ts";

const verifyPort = await freePort();
const verify = createServer((_req, res) => res.end('{"RetCode":"200","RetInfo":"ok"}')).listen(verifyPort);
const hub = await startTestHub("pglite", { HUB_RATE_LIMIT: "off" });
const sim = await startDeviceCloud({
  platId: "V1",
  manufacturerCode: "000006",
  port: await freePort(),
  verifyUrl: `${hub.url}/v1/user/verify`,
  recordCalls: false,
});
const admin = adminClient(hub.url, hub.adminToken);
const app = await admin.post("/admin/v1/platforms", {
  platId: "APP",
  name: "app",
  verifyUrl: `http://127.0.0.1:${verifyPort}/verify`,
  security: { mode: "none" },
});
await admin.post("/admin/v1/platforms", {
  platId: "V1",
  name: "vendor",
  manufacturerCodes: ["000006"],
  apiBaseUrl: sim.url,
  security: { mode: "none" },
});
const call = platformClient(hub.url, { platId: "APP", appId: String(app.body.appId) });
const login = await call("user/login", { User: [{ UserBase: { loginID: "u" } }], AuthToken: "t" });
const userId = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
const token = login.headers.accesstoken ?? "";
const device = [...sim.devices.keys()].find((id) => id.slice(8, 13) === "02002") ?? "";
await call("user/bindDevices", { UserID: userId, Device: [{ DeviceInfo: { deviceID: device } }] });
const rawBody = JSON.stringify({
  UserID: userId,
  Device: [{ DeviceInfo: { deviceID: device }, DeviceAttr: { laundryCycle: "3" } }],
});
const headers = {
  host: "127.0.0.1",
  "content-type": "application/json",
  platid: "APP",
  accesstoken: token,
  "content-length": String(rawBody.length),
};
const services = hub.hub.services;
// Warm the session through the real sim, then answer instantly.
const op = () =>
  devicesOp.serve(services, { method: "POST", path: devicesOp.path, headers, rawBody, trace: newTrace("r") });
const first = await op();
if (first.body.RetCode !== "200") throw new Error(JSON.stringify(first.body));
const instant: VendorHttp = {
  postJson: async () => ({ status: 200, headers: {}, text: '{"RetCode":"200","RetInfo":"ok"}' }),
};
(services as { http: VendorHttp }).http = instant;
for (let round = 0; round < 5; round++) {
  const n = 50_000;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i += 32) await Promise.all(Array.from({ length: 32 }, op));
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  console.log(
    `${((ms * 1000) / n).toFixed(2)} µs/op wall, ${((cpu.user + cpu.system) / n).toFixed(2)} µs/op CPU`,
  );
}
await sim.close();
await hub.close();
verify.close();
