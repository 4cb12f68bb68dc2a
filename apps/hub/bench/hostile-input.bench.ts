/**
 * Issue 14's hostile-input figures, as hub CPU (the hub process's user + system time from /proc,
 * around the requests): `npx -y pnpm@12.4.2 bench:hostile` in apps/hub. Needs PostgreSQL
 * (TEST_DATABASE_URL or the local server). Results go to stdout; docs/benchmarks.md keeps them.
 *
 * 1. A hostile 15 KiB header — `AccessToken: '` + `x` + 15,000 `"` + `y`, the value the quadratic
 *    quote-trimming regex choked on — sent before authentication (refused by the length cap);
 *    the same shape at 4 KiB, under the cap (cleaned, then authenticated); and for comparison an
 *    inert 15 KiB header (`X-Pad`) that nothing normalises. Knob: BENCH_HEADER_REQUESTS.
 * 2. user/bindDevices naming 10,000 devices, all held by the vendor (the largest request the JSON
 *    limits allow). Knob: BENCH_BIND_ROUNDS.
 * 3. A flood of forged signatures (64 KiB bodies, each verified by HMAC before it fails) from one
 *    address, without the unauthenticated budget and with its default (HUB_UNAUTH_RATE_LIMIT
 *    10/s,burst=100): hub CPU per request, and how many reached authentication.
 */
import { createServer } from "node:http";
import { createTestDatabase } from "@yunlian/db/testing";
import { defaultDevices, startDeviceCloud } from "@yunlian/vendor-sim";
import { adminClient, platformClient } from "../test/support/client.ts";
import { freePort } from "../test/support/harness.ts";
import { startHubProcess } from "../test/support/hub-process.ts";
import { cpuSecondsOfTree } from "./processes.ts";

const HEADER_REQUESTS = Number(process.env.BENCH_HEADER_REQUESTS ?? 2000);
const BIND_ROUNDS = Number(process.env.BENCH_BIND_ROUNDS ?? 5);
const BIND_DEVICES = 10_000;
const ADMIN = "bench-admin-token-0123456789-abcdef";

async function verifyServer(): Promise<{ url: string; close(): void }> {
  const port = await freePort();
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"RetCode":"200","RetInfo":"ok"}');
  }).listen(port, "127.0.0.1");
  return { url: `http://127.0.0.1:${port}/verify`, close: () => server.close() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main() {
  const database = await createTestDatabase();
  const verify = await verifyServer();
  const simPort = await freePort();
  const sim = await startDeviceCloud({
    platId: "BENCH-VENDOR",
    manufacturerCode: "000006",
    port: simPort,
    verifyUrl: verify.url,
    devices: defaultDevices("000006", BIND_DEVICES),
    recordCalls: false,
  });
  const hub = await startHubProcess({
    DATABASE_URL: database.url,
    HUB_ADMIN_TOKEN: ADMIN,
    HUB_SECRET_KEY: "33".repeat(32),
    HUB_ALLOW_PRIVATE_URLS: "1",
    HUB_RATE_LIMIT: "off",
    // Measured here: the work of each request, not the budget that would refuse the flood.
    ...(process.env.BENCH_KEEP_UNAUTH_LIMIT ? {} : { HUB_UNAUTH_RATE_LIMIT: "off" }),
  });
  const cpu = () => cpuSecondsOfTree(hub.child.pid) ?? Number.NaN;
  const admin = adminClient(hub.url, ADMIN);
  const app = await admin.post("/admin/v1/platforms", {
    platId: "BENCH-APP",
    name: "bench app",
    verifyUrl: verify.url,
    security: { mode: "none" },
  });
  await admin.post("/admin/v1/platforms", {
    platId: "BENCH-VENDOR",
    name: "bench vendor",
    manufacturerCodes: ["000006"],
    apiBaseUrl: sim.url,
    security: { mode: "none" },
  });
  const appId = String(app.body.appId);
  const call = platformClient(hub.url, { platId: "BENCH-APP", appId });

  // 1. Hostile header, before authentication.
  const hostile = `'x${'"'.repeat(15_000)}y`;
  const headerCpu = async (extra: Record<string, string>) => {
    const send = () =>
      fetch(`${hub.url}/v1/users/devices`, {
        method: "POST",
        headers: { "content-type": "application/json", PlatID: "BENCH-APP", AppID: appId, ...extra },
        body: '{"UserID":"nobody"}',
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    for (let i = 0; i < 100; i++) await send(); // warm-up
    const before = cpu();
    const started = performance.now();
    let last = { status: 0, text: "" };
    for (let i = 0; i < HEADER_REQUESTS; i++) last = await send();
    return {
      cpuMs: ((cpu() - before) * 1000) / HEADER_REQUESTS,
      wallMs: (performance.now() - started) / HEADER_REQUESTS,
      answer: `${last.status} ${last.text.slice(0, 90)}`,
    };
  };
  const inert = await headerCpu({ "X-Pad": "a".repeat(15_003) });
  const attack = await headerCpu({ AccessToken: hostile });
  // Under the 4096-character cap: cleaned (one linear pass) and taken to authentication.
  const capped = `'x${'"'.repeat(4_000)}y`;
  const underCap = await headerCpu({ AccessToken: capped, "X-Pad": "a".repeat(15_003 - capped.length) });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`hostile header, ${HEADER_REQUESTS} sequential requests each:`);
  out(
    `  inert 15 KiB X-Pad:        ${inert.cpuMs.toFixed(3)} ms hub CPU/request, ${inert.wallMs.toFixed(3)} ms wall  (${inert.answer})`,
  );
  out(
    `  hostile 15 KiB AccessToken: ${attack.cpuMs.toFixed(3)} ms hub CPU/request, ${attack.wallMs.toFixed(3)} ms wall  (${attack.answer})`,
  );
  out(
    `  hostile 4 KiB AccessToken + 11 KiB X-Pad: ${underCap.cpuMs.toFixed(3)} ms hub CPU/request, ${underCap.wallMs.toFixed(3)} ms wall  (${underCap.answer})`,
  );

  // 2. A 10,000-device bind.
  const ids = defaultDevices("000006", BIND_DEVICES).map((d) => d.info.deviceID);
  const device = ids.map((deviceID) => ({ DeviceInfo: { deviceID } }));
  const cpus: number[] = [];
  const walls: number[] = [];
  for (let round = 0; round <= BIND_ROUNDS; round++) {
    const login = await call("user/login", {
      User: [{ UserBase: { loginID: `bench-${round}` } }],
      AuthToken: "t",
    });
    const userId = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
    const before = cpu();
    const started = performance.now();
    const bind = await call("user/bindDevices", { UserID: userId, Device: device });
    const wall = performance.now() - started;
    const used = (cpu() - before) * 1000;
    const failed = (bind.body.FailedIDs as string[] | undefined)?.length;
    if (bind.status !== 200 || failed !== 0) throw new Error(`bind: ${bind.status} ${failed} failed`);
    // Round 0 warms up; each round's devices are unbound again so the next binds the same set.
    if (round > 0) {
      cpus.push(used);
      walls.push(wall);
      out(
        `bind of ${BIND_DEVICES} devices, round ${round}: ${used.toFixed(0)} ms hub CPU, ${wall.toFixed(0)} ms wall`,
      );
    }
    const unbind = await call("user/unbindDevices", { UserID: userId, Device: device });
    if (unbind.status !== 200) throw new Error(`unbind: ${unbind.status}`);
  }
  out(
    `bind of ${BIND_DEVICES} devices, median of ${BIND_ROUNDS}: ${median(cpus).toFixed(0)} ms hub CPU, ${median(walls).toFixed(0)} ms wall`,
  );

  // 3. Failed authentications, with and without the budget (a second hub with the default).
  const guarded = await startHubProcess({
    DATABASE_URL: database.url,
    HUB_ADMIN_TOKEN: ADMIN,
    HUB_SECRET_KEY: "33".repeat(32),
    HUB_ALLOW_PRIVATE_URLS: "1",
    HUB_RATE_LIMIT: "off",
  });
  const forgedBody = JSON.stringify({ UserID: "nobody", pad: "p".repeat(64 * 1024) });
  const flood = async (url: string, pid: number | undefined) => {
    const send = () =>
      fetch(`${url}/v1/users/devices`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          PlatID: "BENCH-SIGNED",
          "webhook-id": `msg_${Math.random()}`,
          "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
          "webhook-signature": "v1,Zm9yZ2VkIHNpZ25hdHVyZSBmb3JnZWQgc2lnbmF0dXJlIQ==",
        },
        body: forgedBody,
      }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    const before = cpuSecondsOfTree(pid) ?? Number.NaN;
    const statuses = new Map<number, number>();
    for (let i = 0; i < HEADER_REQUESTS; i++) {
      const status = await send();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const used = ((cpuSecondsOfTree(pid) ?? Number.NaN) - before) * 1000;
    return `${(used / HEADER_REQUESTS).toFixed(3)} ms hub CPU/request; answers ${[...statuses]
      .map(([k, v]) => `${v}× ${k}`)
      .join(", ")}`;
  };
  await admin.post("/admin/v1/platforms", { platId: "BENCH-SIGNED", name: "signed", verifyUrl: verify.url });
  // The second hub shares the database: wait until its registry has the platform.
  await new Promise((r) => setTimeout(r, 500));
  out(`forged signatures, 64 KiB bodies, ${HEADER_REQUESTS} sequential requests from one address:`);
  out(`  HUB_UNAUTH_RATE_LIMIT=off:        ${await flood(hub.url, hub.child.pid)}`);
  out(`  HUB_UNAUTH_RATE_LIMIT (default):  ${await flood(guarded.url, guarded.child.pid)}`);
  await guarded.stop();

  await hub.stop();
  await sim.close();
  verify.close();
  await database.drop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
