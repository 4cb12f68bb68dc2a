import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addVendor,
  devices,
  loginAs,
  startWorldIfAvailable,
  type Vendor,
  type World,
} from "./support/world.ts";

/**
 * user/bindDevices with 10,000 devices, the most one request may name (the JSON array limit):
 * grouping them by vendor copied the whole group per device, quadratic work that took 1.3–1.9 s
 * (issue 14). Its CPU is measured by bench/bind-large.bench.ts; this test only holds the answer
 * right: exactly the devices the vendor refused, or that have no vendor, in FailedIDs.
 */
describe("binding 10,000 devices in one request", () => {
  let world: World | undefined;
  let big: Vendor;

  beforeAll(async () => {
    world = await startWorldIfAvailable("postgres");
    if (world) big = await addVendor(world.hub, world.admin, "VENDOR-BIG-0000", "000008", "hmac", 6_000);
  }, 120_000);
  afterAll(async () => {
    await big?.cloud.close();
    await world?.close();
  });

  it("binds what the vendor holds and names every other device in FailedIDs", {
    timeout: 120_000,
  }, async (ctx) => {
    if (!world) return ctx.skip();
    const alice = await loginAs(world, "alice", "alice-token-1");
    const held = big.deviceIds.slice(0, 5_000);
    // Well-formed IDs of that vendor's code the vendor does not hold: it refuses them.
    const unknown = big.deviceIds.slice(5_000, 6_000).map((id) => `${id}X`);
    const small = world.vendors[0]?.deviceIds ?? [];
    const known = [...held, ...small];
    // No registered vendor owns manufacturer code 000099.
    const orphans = Array.from(
      { length: 10_000 - known.length - unknown.length },
      (_, i) => `000099010200100${String(i).padStart(6, "0")}`,
    );
    const ids = [...known, ...unknown, ...orphans];
    expect(ids).toHaveLength(10_000);

    const res = await world.call("user/bindDevices", { UserID: alice.userId, Device: devices(ids) });
    expect(res.status).toBe(200);
    const failed = new Set(res.body.FailedIDs as string[]);
    expect(failed).toEqual(new Set([...unknown, ...orphans]));
    expect(big.cloud.calls.filter((c) => c.api === "user/bindDevices")).toHaveLength(1);

    // Bound: the user may read each held device now (one sample per vendor).
    const status = await world.call(
      "devices/deviceStatus",
      { UserID: alice.userId, Device: devices([held[4_999] ?? "", small[0] ?? ""]) },
      { AccessToken: alice.accessToken },
    );
    expect(status.status).toBe(200);
  });
});
