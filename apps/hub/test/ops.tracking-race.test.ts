import { ops, runRetention, statusReports } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOpWaiting } from "../src/services/commands/op-read.ts";
import {
  drainOpRecords,
  newOpId,
  type OpsCtx,
  opRecordWritten,
  recordOp,
  timeOutDevices,
} from "../src/services/commands/op-tracking.ts";
import { changingCommand, getOp, opsInstance } from "./support/ops.ts";
import { bothStorages, devices, loginAs, startWorldIfAvailable, type World } from "./support/world.ts";

const DAY_MS = 86_400_000;
const PENDING_OF_ONE_DEVICE = 200;

/**
 * devices/op records its op once the vendor answered, beside its answer (docs/adr/0010), so a fast
 * device's report can be stored, and matched against pending ops, before the op's row commits.
 * These cases drive that order by hand: the op written (recordOp) after its confirming report was stored.
 */
describe.each(bothStorages)("op written after its confirming report, on $storage", ({ storage }) => {
  let w: World | undefined;
  let alice = { userId: "", accessToken: "" };

  beforeAll(async () => {
    w = await startWorldIfAvailable(storage, { HUB_OP_CONFIRM_TIMEOUT: "60s" });
    if (!w) return;
    alice = await loginAs(w, "alice", "alice-token-1");
    const ids = w.vendors[0]?.deviceIds.slice(0, 3) ?? [];
    expect(
      (await w.call("user/bindDevices", { UserID: alice.userId, Device: devices(ids) })).body.FailedIDs,
    ).toEqual([]);
  }, 60_000);
  afterAll(async () => w?.close());

  const setup = () => {
    const vendor = w?.vendors[0];
    if (!w || !vendor) throw new Error("no world");
    const world = w;
    const opsCtx = (now: () => Date, retentionMs?: number) => opsInstance(world, now, retentionMs);
    const begin = async (began: Date, id: string, attrs: Record<string, string>) => {
      const opId = newOpId(began);
      const device = { udeviceId: id, vendorPlatId: vendor.platId, attrs };
      const instance = opsCtx(() => new Date());
      recordOp(instance, {
        opId,
        platId: w?.appCreds.platId ?? "",
        userId: alice.userId,
        startedAt: began,
        devices: [device],
      });
      await opRecordWritten(instance, opId);
      return opId;
    };
    const read = async (opId: string) =>
      (await getOp(w?.hub.url ?? "", w?.appCreds ?? creds0, opId, alice)).body;
    return { w, vendor, opsCtx, begin, read };
  };

  it("a report stored after the op began but before its row was written confirms it when written", async (ctx) => {
    if (!w) return ctx.skip();
    const { vendor, begin, read } = setup();
    const id = vendor.deviceIds[0] ?? "";
    const command = changingCommand(vendor.cloud, id);
    const began = new Date(Date.now() - 2000);
    // The device reports the commanded state (through the hub's ingest, which matches nothing yet).
    expect((await vendor.cloud.setDeviceAttrs(id, command))?.status).toBe(200);
    const opId = await begin(began, id, command);
    expect(await read(opId)).toMatchObject({
      Status: "confirmed",
      Device: [{ deviceID: id, Status: "confirmed" }],
    });
  });

  it("a report from before the op began confirms nothing", async (ctx) => {
    if (!w) return ctx.skip();
    const { vendor, begin, read } = setup();
    const id = vendor.deviceIds[1] ?? "";
    const command = changingCommand(vendor.cloud, id);
    expect((await vendor.cloud.setDeviceAttrs(id, command))?.status).toBe(200);
    const opId = await begin(new Date(Date.now() + 1000), id, command);
    expect(await read(opId)).toMatchObject({
      Status: "pending",
      Device: [{ deviceID: id, Status: "pending" }],
    });
  });

  it("the sweeper confirms, instead of timing out, a device whose confirming report the report path missed", async (ctx) => {
    if (!w) return ctx.skip();
    const { w: world, vendor, opsCtx, begin, read } = setup();
    const id = vendor.deviceIds[2] ?? "";
    const command = changingCommand(vendor.cloud, id);
    const began = new Date();
    const opId = await begin(began, id, command);
    expect((await read(opId)).Status).toBe("pending");
    // Stored the way a report committed just after the op's match ran would be: not matched.
    await world.hub.hub.database.db.insert(statusReports).values({
      udeviceId: id,
      vendorPlatId: vendor.platId,
      dataType: "attr",
      deviceStatus: { ...command },
      receivedAt: new Date(began.getTime() + 10),
    });
    const moved = await timeOutDevices(opsCtx(() => new Date(began.getTime() + 61_000)));
    expect(moved).toBeGreaterThanOrEqual(1); // with the op of the case above, now past its deadline too
    expect(await read(opId)).toMatchObject({
      Status: "confirmed",
      Device: [{ deviceID: id, Status: "confirmed" }],
    });
  });

  it("an op older than HUB_RETENTION_OPS answers 404, and the retention job drops its day's partition", async (ctx) => {
    if (!w) return ctx.skip();
    const world = w;
    const { vendor, opsCtx, begin, read } = setup();
    const id = vendor.deviceIds[0] ?? "";
    const began = new Date();
    const opId = await begin(began, id, changingCommand(vendor.cloud, id));
    const who = { platId: world.appCreds.platId, userId: alice.userId };
    const hourLater = () => new Date(began.getTime() + 3_600_000);
    // A day's retention still answers an hour later; ten minutes' does not (its partition is still there).
    expect(await readOpWaiting(opsCtx(hourLater), who, opId)).toMatchObject({ OpID: opId });
    expect(await readOpWaiting(opsCtx(hourLater, 600_000), who, opId)).toBeUndefined();
    // Two days on, a run with a day's retention drops the op's partitions (both tables), not a row deleted.
    // The hub's own retention runs now and then: one run at a time, so wait for a turn.
    const twoDaysOn = async () => {
      for (let tries = 0; ; tries++) {
        const run = await runRetention(world.hub.hub.database, {
          retention: { reports: 30 * DAY_MS, deliveries: 14 * DAY_MS, audit: 400 * DAY_MS, ops: DAY_MS },
          now: began.getTime() + 2 * DAY_MS,
        });
        if (run.ran || tries >= 100) return run;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const run = await twoDaysOn();
    const day = began.toISOString().slice(0, 10).replaceAll("-", "");
    expect(run.dropped).toEqual(expect.arrayContaining([`ops_p${day}`, `op_devices_p${day}`]));
    expect(await world.hub.hub.database.db.select().from(ops).where(eq(ops.opId, opId))).toEqual([]);
    expect((await read(opId)).RetCode).toBe("404");
  });
});

describe.each(bothStorages)("op records written after the answer, on $storage", ({ storage }) => {
  let w: World | undefined;
  let alice = { userId: "", accessToken: "" };

  beforeAll(async () => {
    w = await startWorldIfAvailable(storage, { HUB_OP_CONFIRM_TIMEOUT: "60s" });
    if (!w) return;
    alice = await loginAs(w, "alice", "alice-token-1");
  }, 60_000);
  afterAll(async () => w?.close());

  /** What another hub instance on the same database would hold. */
  const otherInstance = (world: World) => opsInstance(world);

  /** Records one op (power on, the first vendor's second device) through `instance`; its OpID. */
  const recordOne = (world: World, instance: OpsCtx): string => {
    const opId = newOpId(new Date());
    recordOp(instance, {
      opId,
      platId: world.appCreds.platId,
      userId: alice.userId,
      startedAt: new Date(),
      devices: [
        { udeviceId: world.vendors[0]?.deviceIds[1] ?? "", vendorPlatId: "x", attrs: { power: "on" } },
      ],
    });
    return opId;
  };

  it("GET /v1/ops waits for a recent op that another instance has not written yet", async (ctx) => {
    if (!w) return ctx.skip();
    const world = w;
    const vendor = world.vendors[0];
    const id = vendor?.deviceIds[0] ?? "";
    const opId = newOpId(new Date());
    const record = () => {
      const instance = otherInstance(world);
      recordOp(instance, {
        opId,
        platId: world.appCreds.platId,
        userId: alice.userId,
        startedAt: new Date(),
        devices: [{ udeviceId: id, vendorPlatId: vendor?.platId ?? "", attrs: { power: "on" } }],
      });
      return opRecordWritten(instance, opId);
    };
    const written = new Promise<void>((resolve, reject) => {
      setTimeout(() => record().then(resolve, reject), 150);
    });
    const got = await getOp(world.hub.url, world.appCreds, opId, alice);
    await written;
    expect(got.body).toMatchObject({ RetCode: "200", OpID: opId, Status: "pending" });
  });

  it("an OpID that is not recent is not waited for", async (ctx) => {
    if (!w) return ctx.skip();
    const opId = newOpId(new Date(Date.now() - 60_000));
    const started = Date.now();
    expect((await getOp(w.hub.url, w.appCreds, opId, alice)).body.RetCode).toBe("404");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("a record the database refuses is logged with its OpID, and a read waiting for it is released", async (ctx) => {
    if (!w) return ctx.skip();
    const world = w;
    const errors: unknown[][] = [];
    // A deadline the database cannot read ('NaN'::int): its refusal, not a fake one.
    const instance = {
      ...otherInstance(world),
      confirmTimeoutMs: Number.NaN,
      log: { error: (...args: unknown[]) => void errors.push(args) },
    };
    const opId = recordOne(world, instance);
    await opRecordWritten(instance, opId);
    expect(errors).toEqual([[expect.objectContaining({ opId }), "devices/op: op answered but not recorded"]]);
  });

  it("drainOpRecords writes the records still lingering, before it resolves (a graceful stop)", async (ctx) => {
    if (!w) return ctx.skip();
    const world = w;
    const instance = otherInstance(world);
    const opId = recordOne(world, instance);
    await drainOpRecords(instance);
    const rows = await world.hub.hub.database.db.select({ id: ops.opId }).from(ops).where(eq(ops.opId, opId));
    expect(rows).toHaveLength(1);
  });

  /**
   * Many pending ops of one device (a platform that commands one washer in a loop, as the op bench
   * does) are moved by one statement that updates the due rows where it finds them; it used to join
   * them back to the table, a join PostgreSQL could run through the pending-by-device index,
   * re-reading every pending row of the device for each due one (docs/adr/0010).
   */
  it(`the sweeper times out ${PENDING_OF_ONE_DEVICE} pending ops of one device in one statement, each once`, async (ctx) => {
    if (!w) return ctx.skip();
    const world = w;
    const vendor = world.vendors[0];
    const device = vendor?.deviceIds[2] ?? "";
    const began = new Date();
    const writer = opsInstance(world);
    const opIds = await Promise.all(
      Array.from({ length: PENDING_OF_ONE_DEVICE }, async () => {
        const opId = newOpId(began);
        recordOp(writer, {
          opId,
          platId: world.appCreds.platId,
          userId: alice.userId,
          startedAt: began,
          devices: [{ udeviceId: device, vendorPlatId: vendor?.platId ?? "", attrs: { power: "on" } }],
        });
        await opRecordWritten(writer, opId);
        return opId;
      }),
    );
    const later = opsInstance(world, () => new Date(began.getTime() + 61_000));
    // With the other cases' ops of this world, also past their deadline then.
    expect(await timeOutDevices(later)).toBeGreaterThanOrEqual(PENDING_OF_ONE_DEVICE);
    // Moved once: a second sweep (another instance's) finds nothing left.
    expect(await timeOutDevices(later)).toBe(0);
    for (const opId of [opIds[0] ?? "", opIds.at(-1) ?? ""]) {
      expect((await getOp(world.hub.url, world.appCreds, opId, alice)).body).toMatchObject({
        Status: "timeout",
        Device: [{ deviceID: device, Status: "timeout" }],
      });
    }
  });
});

const creds0 = { platId: "", appId: "", appSecret: "" };
