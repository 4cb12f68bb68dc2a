/**
 * Reconciliation in apps/worker (issue 16, docs/adr/0013): with REDIS_URL and HUB_WORKERS=0 the
 * hub leaves delivery — and so reconciliation — to worker processes. Worker processes are started
 * from their built dist/ as production runs them, against the hub's PostgreSQL and Redis and the
 * simulated vendor clouds over HTTP. The worker loads the hub's HUB_ADAPTERS list (issue 18) and
 * serves /metrics on its own port.
 */
import { spawnSync } from "node:child_process";
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import { type DeviceCloud, startDeviceCloud } from "@yunlian/vendor-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/harness.ts";
import { writeThrowawayAdapter } from "./support/throwaway-adapter.ts";
import { spawnWorkerProcess, type WorkerProcess, waitForMetrics } from "./support/worker-process.ts";
import {
  addVendor,
  devices,
  loginAs,
  startWorldIfAvailable,
  type Vendor,
  type World,
} from "./support/world.ts";

const METRICS_TOKEN = "worker-metrics-token-0123456789-abcdef";
/** The harness's HUB_SECRET_KEY (support/harness.ts): workers decrypt the hub's vendor sessions with it. */
const SECRET_KEY = "11".repeat(32);
/** A vendor adapter package outside the workspace, loaded by the hub and the workers alike. */
const acmeAdapter = writeThrowawayAdapter({ adapterName: "acme" });

/** The reconciliation calls a cloud received (deviceStatus and users/devices), by API and device. */
function reconcileCalls(cloud: DeviceCloud, from = 0) {
  return cloud.calls
    .slice(from)
    .filter((c) => c.api === "devices/deviceStatus" || c.api === "users/devices")
    .map((c) => ({ api: c.api, ids: deviceIdsOf(c.body) }));
}

function deviceIdsOf(body: unknown): string[] {
  const list = (body as { Device?: { DeviceInfo?: { deviceID?: string } }[] } | undefined)?.Device ?? [];
  return list.flatMap((d) => (d.DeviceInfo?.deviceID ? [d.DeviceInfo.deviceID] : []));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function scrape(url: string, token?: string) {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, text: await res.text() };
}

/** The value of one sample line of a Prometheus text (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** A vendor whose cloud speaks through the throwaway adapter package "acme" (security none). */
async function addAcmeVendor(w: World): Promise<Vendor> {
  const port = await freePort();
  const platId = "VENDOR-ACME-0000";
  const code = "000016";
  const reg = await w.admin.post("/admin/v1/platforms", {
    platId,
    name: "Acme",
    manufacturerCodes: [code],
    adapter: "acme",
    apiBaseUrl: `http://127.0.0.1:${port}/v1`,
    security: { mode: "none" },
  });
  if (reg.status !== 201) throw new Error(`registering ${platId}: ${JSON.stringify(reg.body)}`);
  const cloud = await startDeviceCloud({
    platId,
    appId: String(reg.body.appId),
    manufacturerCode: code,
    port,
    verifyUrl: `${w.hub.url}/v1/user/verify`,
    hubDataGatewayUrl: `${w.hub.url}/v1/dataservices/dataGateway`,
  });
  return {
    platId,
    code,
    cloud,
    appId: String(reg.body.appId),
    appSecret: String(reg.body.appSecret),
    webhookSecret: String(reg.body.webhookSecret),
    deviceIds: [...cloud.devices.keys()],
  };
}

const servicesUp = await redisAvailable();

describe.skipIf(!servicesUp)("reconciliation in worker processes (PostgreSQL + Redis, HUB_WORKERS=0)", () => {
  let world: World | undefined;
  const prefix = uniquePrefix("reconcile-worker");
  const workers: WorkerProcess[] = [];

  /** A worker process on the hub's database and queue, its /metrics on a port of its own. */
  async function startWorker(
    overrides: Record<string, string> = {},
  ): Promise<{ worker: WorkerProcess; metricsUrl: string }> {
    if (!world?.hub.databaseUrl) throw new Error("world expected");
    const port = await freePort();
    const worker = spawnWorkerProcess({
      DATABASE_URL: world.hub.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      HUB_QUEUE_PREFIX: prefix,
      HUB_SECRET_KEY: SECRET_KEY,
      HUB_ALLOW_PRIVATE_URLS: "1",
      HUB_DELIVERY_BACKOFF: "0s,200ms,500ms,1s",
      HUB_ADAPTERS: acmeAdapter,
      HUB_RECONCILE_RATE: "1200",
      HUB_RECONCILE_TICK: "100ms",
      HUB_RECONCILE_INTERVAL: "1h",
      HUB_VENDOR_TIMEOUT_MS: "2000",
      HUB_WORKER_METRICS_PORT: String(port),
      HUB_WORKER_METRICS_HOST: "127.0.0.1",
      HUB_METRICS_TOKEN: METRICS_TOKEN,
      ...overrides,
    });
    workers.push(worker);
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    await waitForMetrics(worker, metricsUrl, METRICS_TOKEN);
    return { worker, metricsUrl };
  }

  beforeAll(async () => {
    // The hub would reconcile fast if it reconciled at all: 20 calls a second per vendor, and a
    // vendor found idle is looked at again 2 s later (min(60 s, HUB_RECONCILE_INTERVAL)).
    world = await startWorldIfAvailable("postgres", {
      REDIS_URL: TEST_REDIS_URL,
      HUB_QUEUE_PREFIX: prefix,
      HUB_WORKERS: "0",
      HUB_ADAPTERS: acmeAdapter,
      HUB_RECONCILE_RATE: "1200",
      HUB_RECONCILE_TICK: "100ms",
      HUB_RECONCILE_INTERVAL: "2s",
    });
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await world?.close();
  });

  it("the hub does not poll; a worker repairs lost reports (built-in and HUB_ADAPTERS vendors) and counts drift on its /metrics", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    expect(w.hub.hub.reconciler).toBeUndefined();
    const [a] = w.vendors;
    const a1 = a?.deviceIds[0];
    if (!a || !a1) throw new Error("vendor A and a device expected");
    const acme = await addAcmeVendor(w);
    w.vendors.push(acme);
    const [acme1] = acme.deviceIds;
    if (!acme1) throw new Error("an acme device expected");
    const alice = await loginAs(w, "alice", "alice-token-1");
    for (const id of [a1, acme1]) {
      const bound = await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([id]) });
      expect(bound.body.RetCode).toBe("200");
    }
    // Reports that arrive: the shadows say off. Then both appliances are switched on, and the
    // vendors' reports of it are lost.
    expect(await a.cloud.setDeviceAttrs(a1, { onOffStatus: "False" })).toMatchObject({ status: 200 });
    expect(await acme.cloud.setDeviceAttrs(acme1, { onOffStatus: "False" })).toMatchObject({ status: 200 });
    a.cloud.setDeviceAttrsSilently(a1, { onOffStatus: "True" });
    acme.cloud.setDeviceAttrsSilently(acme1, { onOffStatus: "True" });

    // No worker yet: nobody asks the vendors, however long we wait.
    const marks = [a.cloud.calls.length, acme.cloud.calls.length];
    await sleep(3_500);
    expect(reconcileCalls(a.cloud, marks[0])).toEqual([]);
    expect(reconcileCalls(acme.cloud, marks[1])).toEqual([]);

    const { worker, metricsUrl } = await startWorker();
    const repaired = (id: string) =>
      w.app.reports.some((r) => {
        const body = JSON.parse(r.text);
        return (
          body.DeviceID === id && body.Source === "reconcile" && body.DeviceStatus?.onOffStatus === "True"
        );
      });
    await until("both lost reports delivered marked Source reconcile", () => repaired(a1) && repaired(acme1));
    for (const id of [a1, acme1]) {
      const view = await w.admin.get(`/admin/v1/devices/${id}`);
      expect((view.body.shadow as { attrs: Record<string, string> }).attrs.onOffStatus).toBe("True");
    }
    const drift = await w.admin.get("/admin/v1/drift");
    expect(drift.body.vendors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ vendorPlatId: "VENDOR-A-0000", driftTotal: 1 }),
        expect.objectContaining({ vendorPlatId: "VENDOR-ACME-0000", driftTotal: 1 }),
      ]),
    );

    // The worker's /metrics: refused without the token, then the process, delivery and reconcile metrics.
    expect((await scrape(metricsUrl)).status).toBe(401);
    expect((await scrape(metricsUrl, "not-the-token-0123456789-0123456789")).status).toBe(401);
    expect((await scrape(metricsUrl.replace("/metrics", "/health"), METRICS_TOKEN)).status).toBe(404);
    const { status, text } = await scrape(metricsUrl, METRICS_TOKEN);
    expect(status).toBe(200);
    for (const name of [
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_seconds",
      "yunlian_deliveries",
      "yunlian_delivery_oldest_pending_age_seconds",
      "yunlian_delivery_queue_depth",
    ])
      expect(text).toMatch(new RegExp(`^${name}[ {]`, "m"));
    expect(sample(text, 'yunlian_drift_total{vendor="VENDOR-A-0000"}')).toBe(1);
    expect(sample(text, 'yunlian_drift_total{vendor="VENDOR-ACME-0000"}')).toBe(1);
    expect(
      sample(text, 'yunlian_reconcile_polls_total{vendor="VENDOR-A-0000",kind="device",outcome="ok"}'),
    ).toBe(1);
    expect(
      sample(
        text,
        'yunlian_vendor_calls_total{vendor="VENDOR-A-0000",operation="deviceStatus",outcome="ok"}',
      ),
    ).toBe(1);
    await until("the deliveries counted", async () => {
      const now = (await scrape(metricsUrl, METRICS_TOKEN)).text;
      return (
        sample(now, 'yunlian_delivery_attempts_total{platform="APP-PLAT-0001",outcome="delivered"}') >= 4
      );
    });
    const later = (await scrape(metricsUrl, METRICS_TOKEN)).text;
    expect(sample(later, 'yunlian_delivery_breaker_state{platform="APP-PLAT-0001"}')).toBe(0);
    expect(later).toMatch(/^yunlian_delivery_breaker_state\{platform="APP-PLAT-0001"\} 0$/m);
    // promtool, where the machine has it (CI's Prometheus image does), checks the exposition.
    const promtool = spawnSync("promtool", ["check", "metrics"], { input: later, encoding: "utf8" });
    if (!promtool.error) expect(promtool.status, promtool.stderr + promtool.stdout).toBe(0);

    await worker.stop();
    expect(await worker.exited).toBe(0);
  });

  // Workers that did not share their claims (each keeping its own schedule) would poll all 40
  // twice; a worker that took a lost claim race for "nothing due" would leave the other to poll
  // alone. The race itself, two claims of one device in the same instant, is driven by hand in
  // reconcile.test.ts ("a process that loses a claim to another goes on with the next due device").
  it("two workers share the polling: every device once in the interval, none twice", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const many = await addVendor(w.hub, w.admin, "VENDOR-C-0000", "000008", "hmac", 40);
    w.vendors.push(many);
    const bob = await loginAs(w, "bob", "bob-token-1");
    const bound = await w.call("user/bindDevices", { UserID: bob.userId, Device: devices(many.deviceIds) });
    expect(bound.body.RetCode).toBe("200");
    const start = many.cloud.calls.length;

    // The cloud holds every call until both workers have one in flight: a worker polls one call at
    // a time, so two calls held means both are polling. Without the hold, one worker that started
    // a couple of seconds before the other (a loaded machine) could poll all 40 alone, and the test
    // would show nothing about sharing. The long vendor timeout keeps the first held call alive
    // while the second worker starts.
    many.cloud.setMode("hold");
    const slowVendor = { HUB_VENDOR_TIMEOUT_MS: "60000" };
    const [one, two] = await Promise.all([startWorker(slowVendor), startWorker(slowVendor)]);
    await until("both workers waiting on the cloud", () => reconcileCalls(many.cloud, start).length === 2);
    many.cloud.setMode("normal");
    const polled = () =>
      reconcileCalls(many.cloud, start)
        .filter((c) => c.api === "devices/deviceStatus")
        .flatMap((c) => c.ids);
    await until("all 40 devices polled", () => new Set(polled()).size === 40);
    // Many more ticks of both workers: still nobody polls a device a second time.
    await sleep(1_500);
    expect(polled().sort()).toEqual([...many.deviceIds].sort());
    expect(reconcileCalls(many.cloud, start).filter((c) => c.api === "users/devices")).toHaveLength(1);

    // Both took part, and between them polled each device exactly once.
    const series = 'yunlian_reconcile_polls_total{vendor="VENDOR-C-0000",kind="device",outcome="ok"}';
    const counts = await Promise.all(
      [one, two].map(async (p) => sample((await scrape(p.metricsUrl, METRICS_TOKEN)).text, series)),
    );
    expect(counts.reduce((x, y) => x + y)).toBe(40);
    expect(counts.every((n) => n > 0)).toBe(true);
  });
});

describe("a worker given a bad HUB_ADAPTERS entry", () => {
  it("stops at start with a message naming the package and what is wrong", async () => {
    const broken = writeThrowawayAdapter({ adapterName: "halfdone", omit: ["op", "parseReport"] });
    const worker = spawnWorkerProcess({
      // Never reached: the adapters are checked before anything is opened.
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      REDIS_URL: "redis://127.0.0.1:1",
      HUB_SECRET_KEY: SECRET_KEY,
      HUB_ADAPTERS: broken,
    });
    const guard = setTimeout(() => worker.child.kill("SIGKILL"), 20_000);
    const code = await worker.exited;
    clearTimeout(guard);
    expect(code).toBe(1);
    expect(worker.output()).toContain(
      `worker failed to start: invalid adapter packages (HUB_ADAPTERS):\n  ${broken}: missing methods: op, parseReport\n`,
    );
  }, 30_000);
});
