/**
 * Development aid, not a benchmark of record: the JS cost of one devices/op inside the hub
 * (StandardEndpoint.serve with every check), the vendor's HTTP replaced by an instant answer.
 * No sockets, so machine noise moves it much less than the end-to-end bench.
 *   npx tsx --conditions=source bench/pipeline.dev.ts
 */
import type { VendorHttp } from "@yunlian/adapter-sdk/http";
import { newTrace } from "../src/observability/request-context.ts";
import { devicesOp } from "../src/routes/standard/devices-op.ts";
import { startTestHub } from "../test/support/harness.ts";
import { setUpDeviceOp } from "../test/support/op-setup.ts";

const hub = await startTestHub("pglite", { HUB_RATE_LIMIT: "off" });
const setup = await setUpDeviceOp(hub.url, hub.adminToken);
const services = hub.hub.services;
// node:http's header record: lower-case names.
const headers = Object.fromEntries(Object.entries(setup.headers).map(([k, v]) => [k.toLowerCase(), v]));
const op = () =>
  devicesOp.serve(services, {
    method: "POST",
    path: devicesOp.path,
    headers,
    rawBody: setup.body,
    trace: newTrace("dev"),
  });
// The first call logs in at the sim for real; afterwards the vendor answers instantly.
const first = await op();
if (first.body.RetCode !== "200") throw new Error(JSON.stringify(first.body));
const answer = { status: 200, headers: {}, text: '{"RetCode":"200","RetInfo":"ok"}' };
const instant: VendorHttp = { postJson: async () => answer, send: async () => answer };
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
await setup.close();
await hub.close();
