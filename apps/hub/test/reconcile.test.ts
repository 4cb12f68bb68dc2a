/**
 * Reconciliation (issue 16, docs/adr/0011): the hub polls vendors at a budgeted rate, repairs the
 * shadow when a report went missing (delivered marked "Source":"reconcile"), counts drift, lists
 * bindings a vendor dropped, and shares the work between hub processes without polling twice.
 * Passes are driven with runOnce and an explicit clock (HUB_RECONCILE_TICK is an hour, so the
 * timer never runs here): the assertions count calls, never time.
 */
import { openDatabase } from "@yunlian/db";
import { redisAvailable, TEST_REDIS_URL, uniquePrefix } from "@yunlian/delivery/testing";
import type { DeviceCloud } from "@yunlian/vendor-sim";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hub } from "../src/hub.ts";
import { claimDevice } from "../src/services/reconcile/claims.ts";
import { adminClient } from "./support/client.ts";
import { consoleSession } from "./support/console-session.ts";
import { startTestHub, type TestHub } from "./support/harness.ts";
import {
  addVendor,
  bothStorages,
  devices,
  loginAs,
  startWorldIfAvailable,
  type World,
} from "./support/world.ts";

const HOUR = 3_600_000;
/** Each test runs its passes in its own hours: windows and intervals of one never touch another's. */
const at = (hours: number) => new Date(Date.now() + hours * HOUR);

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

/** The hub's reconciler: these hubs run deliveries, so they reconcile (docs/adr/0013). */
function reconcilerOf(hub: Hub) {
  if (!hub.reconciler) throw new Error("this hub runs no deliveries, so no reconciler");
  return hub.reconciler;
}

const RECONCILE_ENV = { HUB_RECONCILE_TICK: "1h", HUB_RECONCILE_INTERVAL: "1h" };

/** PostgreSQL runs in production shape, with REDIS_URL: reconciled reports go through BullMQ too. */
async function queueEnv(storage: string): Promise<Record<string, string>> {
  if (storage !== "postgres" || !(await redisAvailable())) return {};
  return { REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: uniquePrefix("reconcile") };
}

describe.each(bothStorages)("reconciliation on $storage", ({ storage }) => {
  let world: World | undefined;
  beforeAll(async () => {
    // Four calls per vendor and minute: small enough that the budget test runs into it.
    world = await startWorldIfAvailable(storage, {
      ...RECONCILE_ENV,
      HUB_RECONCILE_RATE: "4",
      ...(await queueEnv(storage)),
    });
  }, 60_000);
  afterAll(async () => world?.close());

  it("finds a state change whose report was lost, delivers it marked Source reconcile, updates the shadow and counts drift", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const [a] = w.vendors;
    const a1 = a?.deviceIds[0];
    if (!a || !a1) throw new Error("vendor A and a device expected");
    const alice = await loginAs(w, "alice", "alice-token-1");
    expect(
      (await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([a1]) })).body.RetCode,
    ).toBe("200");
    // A report that arrives: the shadow says off, the app heard it.
    const pushed = await a.cloud.setDeviceAttrs(a1, { onOffStatus: "False" });
    expect(pushed).toMatchObject({ status: 200 });
    await w.app.waitForReports(1, 10_000);
    // The appliance is switched on, and the vendor's report of it is lost.
    a.cloud.setDeviceAttrsSilently(a1, { onOffStatus: "True" });

    const pass = await reconcilerOf(w.hub.hub).runOnce(at(1));
    expect(pass).toMatchObject({ devices: 1, drift: 1 });

    const [lost] = (await w.app.waitForReports(2, 10_000)).slice(1);
    const body = JSON.parse(lost?.text ?? "{}");
    expect(body).toMatchObject({ DeviceID: a1, DataType: "attr", Source: "reconcile" });
    expect(body.DeviceStatus.onOffStatus).toBe("True");
    // A vendor's own push carries no Source.
    expect(JSON.parse(w.app.reports[0]?.text ?? "{}")).not.toHaveProperty("Source");

    const view = await w.admin.get(`/admin/v1/devices/${a1}`);
    expect((view.body.shadow as { attrs: Record<string, string> }).attrs.onOffStatus).toBe("True");
    const metrics = await w.admin.get("/metrics");
    expect(String(metrics.body.raw)).toContain('yunlian_drift_total{vendor="VENDOR-A-0000"} 1');
    const drift = await w.admin.get("/admin/v1/drift");
    expect(drift.status).toBe(200);
    expect(drift.body.vendors).toContainEqual(
      expect.objectContaining({ vendorPlatId: "VENDOR-A-0000", driftTotal: 1 }),
    );

    // Within the interval the device is not asked again; after it, an unchanged device is no drift.
    const calls = reconcileCalls(a.cloud).length;
    expect(await reconcilerOf(w.hub.hub).runOnce(at(1.5))).toMatchObject({ devices: 0, accounts: 0 });
    expect(reconcileCalls(a.cloud).length).toBe(calls);
    expect(await reconcilerOf(w.hub.hub).runOnce(at(3))).toMatchObject({ devices: 1, drift: 0 });
    expect(w.app.reports).toHaveLength(2);
  });

  it("lists a binding the vendor dropped in GET /admin/v1/drift without unbinding it", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const [, b] = w.vendors;
    const [b1, b2] = b?.deviceIds ?? [];
    if (!b || !b1 || !b2) throw new Error("vendor B and two devices expected");
    const bob = await loginAs(w, "bob", "bob-token-1");
    await w.call("user/bindDevices", { UserID: bob.userId, Device: devices([b1, b2]) });

    await reconcilerOf(w.hub.hub).runOnce(at(10));
    const before = await w.admin.get("/admin/v1/drift");
    expect(before.body.bindings).toEqual([]);

    b.cloud.dropBindings(b2);
    await reconcilerOf(w.hub.hub).runOnce(at(12));
    const after = await w.admin.get("/admin/v1/drift");
    expect(after.body.bindings).toEqual([
      expect.objectContaining({
        userId: bob.userId,
        deviceId: b2,
        platId: "APP-PLAT-0001",
        vendorPlatId: "VENDOR-B-0000",
      }),
    ]);
    // Not unbound: the hub still holds the binding.
    const held = await w.hub.hub.database.withConnection((q) =>
      q(`select 1 from bindings where udevice_id = '${b2}' and user_id = '${bob.userId}'`),
    );
    expect(held).toHaveLength(1);

    // The console's drift page lists it too.
    const html = await (await consoleSession(w.hub.url, w.hub.adminToken)).page("/console/drift");
    const listed = /<table id="drift-bindings">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? "";
    expect(listed).toContain(b2);
    expect(listed).toContain(bob.userId);
  });

  it("keeps each vendor to HUB_RECONCILE_RATE calls per minute, oldest shadow first", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const many = await addVendor(w.hub, w.admin, "VENDOR-C-0000", "000008", "hmac", 12);
    w.vendors.push(many);
    const owner = await loginAs(w, "alice", "alice-token-1");
    const bind = await w.call("user/bindDevices", { UserID: owner.userId, Device: devices(many.deviceIds) });
    expect(bind.body.RetCode).toBe("200");
    // One device has just reported: its shadow is the newest, so it is polled last.
    const [fresh] = many.deviceIds;
    if (!fresh) throw new Error("devices expected");
    await many.cloud.pushReport({ DeviceID: fresh });

    const start = many.cloud.calls.length;
    const window = at(20);
    for (let i = 0; i < 3; i++) await reconcilerOf(w.hub.hub).runOnce(window);
    const first = reconcileCalls(many.cloud, start);
    expect(first).toHaveLength(4);
    expect(first.flatMap((c) => c.ids)).not.toContain(fresh);

    // The next minute has its own four.
    await reconcilerOf(w.hub.hub).runOnce(new Date(window.getTime() + 60_000));
    expect(reconcileCalls(many.cloud, start)).toHaveLength(8);
  });
});

describe("two hub processes on one PostgreSQL database", () => {
  let world: World | undefined;
  let second: TestHub | undefined;
  beforeAll(async () => {
    world = await startWorldIfAvailable("postgres", { ...RECONCILE_ENV, HUB_RECONCILE_RATE: "1000" });
    if (world)
      second = await startTestHub(
        "postgres",
        { ...RECONCILE_ENV, HUB_RECONCILE_RATE: "1000" },
        { databaseUrl: world.hub.databaseUrl },
      );
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await world?.close();
  });

  it("do not poll a device (or an account) twice", async (ctx) => {
    if (!world || !second) return ctx.skip();
    const w = world;
    const vendor = await addVendor(w.hub, w.admin, "VENDOR-D-0000", "000009", "hmac", 16);
    w.vendors.push(vendor);
    const user = await loginAs(w, "bob", "bob-token-1");
    await w.call("user/bindDevices", { UserID: user.userId, Device: devices(vendor.deviceIds) });
    // The second process learns of the new vendor by NOTIFY; wait until it has it.
    const other = second;
    while (!other.hub.registry.get("VENDOR-D-0000")) await new Promise((r) => setTimeout(r, 20));

    const start = vendor.cloud.calls.length;
    const now = at(30);
    const passes = await Promise.all([
      reconcilerOf(w.hub.hub).runOnce(now),
      reconcilerOf(other.hub).runOnce(now),
    ]);
    const calls = reconcileCalls(vendor.cloud, start);
    const polled = calls.filter((c) => c.api === "devices/deviceStatus").flatMap((c) => c.ids);
    expect(polled.sort()).toEqual([...vendor.deviceIds].sort());
    expect(calls.filter((c) => c.api === "users/devices")).toHaveLength(1);
    // Together they polled each device and the account exactly once.
    expect(passes.map((p) => p.devices + p.accounts).reduce((x, y) => x + y)).toBe(17);
    // Either process's admin API shows the shared counts.
    const page = await adminClient(other.url, other.adminToken).get("/admin/v1/drift");
    expect(page.body.vendors).toContainEqual(
      expect.objectContaining({ vendorPlatId: "VENDOR-D-0000", pollsTotal: 17 }),
    );
  });

  // Two processes that pick the same device in the same instant: one gets it, the other nothing.
  // The loser still has due work; reading "nothing" as "idle" would stop it polling the vendor for
  // a minute while the winner polls alone. Here the other process is a transaction that claims the
  // first due device and commits only once the hub's claim of the same device is waiting on it.
  it("a process that loses a claim to another goes on with the next due device", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const vendor = await addVendor(w.hub, w.admin, "VENDOR-E-0000", "000010", "hmac", 6);
    w.vendors.push(vendor);
    const user = await loginAs(w, "alice", "alice-token-1");
    await w.call("user/bindDevices", { UserID: user.userId, Device: devices(vendor.deviceIds) });
    const other = await openDatabase({ url: String(w.hub.databaseUrl), maxConnections: 2 });
    try {
      const now = at(40);
      const start = vendor.cloud.calls.length;
      let release = () => {};
      const released = new Promise<void>((r) => {
        release = r;
      });
      let claimed: (id: string | undefined) => void = () => {};
      const heldId = new Promise<string | undefined>((r) => {
        claimed = r;
      });
      const holding = other.db.transaction(async (tx) => {
        claimed((await claimDevice(tx, "VENDOR-E-0000", now, new Date(now.getTime() - HOUR))).id);
        await released;
      });
      const held = await heldId;
      expect(held).toBeDefined();

      const pass = reconcilerOf(w.hub.hub).runOnce(now);
      const waitingOnLock = async () => {
        const rows = (await other.db.execute(
          sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )) as unknown as unknown[];
        return rows.length > 0;
      };
      while (!(await waitingOnLock())) await new Promise((r) => setTimeout(r, 10));
      release();
      await holding;

      const done = await pass;
      const polled = reconcileCalls(vendor.cloud, start)
        .filter((c) => c.api === "devices/deviceStatus")
        .flatMap((c) => c.ids);
      expect(done.devices).toBeGreaterThan(0);
      expect(polled.sort()).toEqual(vendor.deviceIds.filter((id) => id !== held).sort());
    } finally {
      await other.close();
    }
  });
});

describe("the reconciler's own timer (embedded hub)", () => {
  let world: World | undefined;
  beforeAll(async () => {
    world = await startWorldIfAvailable("pglite", {
      HUB_RECONCILE_TICK: "50ms",
      HUB_RECONCILE_INTERVAL: "1s",
      HUB_RECONCILE_RATE: "600",
    });
  }, 60_000);
  afterAll(async () => world?.close());

  it("repairs a lost report with nobody calling runOnce", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const [a] = w.vendors;
    const a1 = a?.deviceIds[0];
    if (!a || !a1) throw new Error("vendor A and a device expected");
    const alice = await loginAs(w, "alice", "alice-token-1");
    await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([a1]) });
    a.cloud.setDeviceAttrsSilently(a1, { onOffStatus: "True", mode: "quick-wash-lost" });
    const repaired = () =>
      w.app.reports.some((r) => {
        const body = JSON.parse(r.text);
        return body.Source === "reconcile" && body.DeviceStatus?.mode === "quick-wash-lost";
      });
    // A guard against hanging, not a timing assertion: the first tick comes 50 ms after start.
    const deadline = Date.now() + 20_000;
    while (!repaired() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(repaired()).toBe(true);
  });
});

describe("a vendor that holds its answers (embedded hub)", () => {
  let world: World | undefined;
  beforeAll(async () => {
    // A vendor call may take the whole HUB_VENDOR_TIMEOUT_MS: here a minute, longer than the test.
    world = await startWorldIfAvailable("pglite", {
      ...RECONCILE_ENV,
      HUB_RECONCILE_RATE: "1000",
      HUB_VENDOR_TIMEOUT_MS: "60000",
    });
  }, 60_000);
  afterAll(async () => world?.close());

  /** Vendors A and B (registered in that order), the first device of each bound to alice. */
  async function bindOneDeviceOfAandB(w: World) {
    const [a, b] = w.vendors;
    const a1 = a?.deviceIds[0];
    const b1 = b?.deviceIds[0];
    if (!a || !b || !a1 || !b1) throw new Error("vendors A and B (registered in that order) expected");
    const alice = await loginAs(w, "alice", "alice-token-1");
    await w.call("user/bindDevices", { UserID: alice.userId, Device: devices([a1, b1]) });
    return { a, b };
  }

  // A pass that took vendors one after the other would wait on vendor A's call before asking
  // vendor B anything: one slow cloud would slow every vendor's polling in that process.
  it("does not hold up the other vendors' polls in the same pass", async (ctx) => {
    if (!world) return ctx.skip();
    const { a, b } = await bindOneDeviceOfAandB(world);
    const fromA = a.cloud.calls.length;
    const fromB = b.cloud.calls.length;
    a.cloud.setMode("hold");
    try {
      const pass = reconcilerOf(world.hub.hub).runOnce(at(60));
      // A guard against hanging, not a timing assertion: B is asked only if the pass does not wait for A.
      const deadline = Date.now() + 10_000;
      const bDone = () => reconcileCalls(b.cloud, fromB).length === 2;
      while (!bDone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(reconcileCalls(b.cloud, fromB).map((c) => c.api)).toEqual([
        "users/devices",
        "devices/deviceStatus",
      ]);
      // A's first call is still held: it has had no answer.
      expect(reconcileCalls(a.cloud, fromA)).toHaveLength(1);
      a.cloud.setMode("normal");
      const done = await pass;
      expect(done).toMatchObject({ accounts: 2, devices: 2 });
    } finally {
      a.cloud.setMode("normal");
    }
  });

  // The registry of one process can hold a vendor whose row another process has just deleted (its
  // NOTIFY not seen yet): every statement for that vendor fails. The others are still polled.
  it("a vendor whose statements fail does not stop the others; the pass fails naming it", async (ctx) => {
    if (!world) return ctx.skip();
    const w = world;
    const { a, b } = await bindOneDeviceOfAandB(w);
    const registry = w.hub.hub.registry;
    const aRecord = registry.get(a.platId);
    const bRecord = registry.get(b.platId);
    if (!aRecord || !bRecord) throw new Error("vendors A and B in the registry expected");
    const ghost = {
      ...aRecord,
      platId: "VENDOR-GONE-0000",
      appId: "YL-GONE",
      manufacturerCodes: ["000099"],
      appSecret: { current: "gone-secret-0123456789-0123456789" },
    };
    registry.put(ghost);
    registry.put(bRecord); // moved after the ghost: a pass in turn would stop before reaching B
    const fromB = b.cloud.calls.length;
    try {
      // An hour after the previous test's pass: whatever it polled is due again.
      const failed = await reconcilerOf(w.hub.hub)
        .runOnce(at(62))
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(failed).toBeInstanceOf(AggregateError);
      const errors = (failed as AggregateError).errors.map(String);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/foreign key|VENDOR-GONE-0000/);
      expect(reconcileCalls(b.cloud, fromB).map((c) => c.api)).toEqual([
        "users/devices",
        "devices/deviceStatus",
      ]);
    } finally {
      registry.remove(ghost.platId);
    }
  });
});
