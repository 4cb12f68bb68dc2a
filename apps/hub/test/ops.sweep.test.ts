import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newOpId, type OpsCtx, recordOp, timeOutDevices } from "../src/services/commands/op-tracking.ts";
import { getOp } from "./support/ops.ts";
import { bothStorages, loginAs, startWorldIfAvailable, type World } from "./support/world.ts";

const PENDING = 200;

/**
 * Many pending ops of one device (a platform that commands one washer in a loop, as the op bench
 * does): the sweeper moves each once, in one statement. The statement updates the due rows where
 * it finds them; it used to join them back to the table, a join PostgreSQL could run through the
 * pending-by-device index, re-reading every pending row of the device for each due one.
 */
describe.each(bothStorages)("the op sweeper, many pending ops of one device, on $storage", ({ storage }) => {
  let w: World | undefined;
  let alice = { userId: "", accessToken: "" };

  beforeAll(async () => {
    w = await startWorldIfAvailable(storage, { HUB_OP_CONFIRM_TIMEOUT: "60s" });
    if (!w) return;
    alice = await loginAs(w, "alice", "alice-token-1");
  }, 60_000);
  afterAll(async () => w?.close());

  it(`times out ${PENDING} pending ops of one device in one sweep, each once`, async (ctx) => {
    if (!w) return ctx.skip();
    const world = w;
    const vendor = world.vendors[0];
    const device = vendor?.deviceIds[0] ?? "";
    const began = new Date();
    const instance = (now: () => Date): OpsCtx => ({
      db: world.hub.hub.database.db,
      now,
      confirmTimeoutMs: 60_000,
      retentionMs: 24 * 60 * 60 * 1000,
      metrics: world.hub.hub.metrics,
      results: { settled: async () => undefined },
    });
    const writer = instance(() => new Date());
    const opIds = await Promise.all(
      Array.from({ length: PENDING }, async () => {
        const opId = newOpId(began);
        await recordOp(writer, {
          opId,
          platId: world.appCreds.platId,
          userId: alice.userId,
          startedAt: began,
          devices: [{ udeviceId: device, vendorPlatId: vendor?.platId ?? "", attrs: { power: "on" } }],
        });
        return opId;
      }),
    );
    const later = instance(() => new Date(began.getTime() + 61_000));
    expect(await timeOutDevices(later)).toBe(PENDING);
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
