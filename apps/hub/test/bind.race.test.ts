import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addAppPlatform,
  bothStorages,
  devices,
  loginAs,
  startWorldIfAvailable,
  type World,
} from "./support/world.ts";

/**
 * The trust rule (standard 7.2.1) under concurrency: users of two platforms bind one device at the
 * same moment. Both pass the check made before the vendor is asked; only one may keep the device.
 */
describe.each(bothStorages)(
  "simultaneous binds of one device through two platforms on $storage",
  ({ storage }) => {
    let world: World | undefined;
    let other: Awaited<ReturnType<typeof addAppPlatform>>;

    beforeAll(async () => {
      world = await startWorldIfAvailable(storage);
      if (world)
        other = await addAppPlatform(world, "APP-PLAT-0002", [{ loginId: "bob", authToken: "bob-token" }]);
    }, 60_000);
    afterAll(async () => {
      await other?.app.close();
      await world?.close();
    });

    it("one platform's user gets the device, the other's is refused and the vendor's binding undone", async (ctx) => {
      if (!world) return ctx.skip();
      const w = world;
      const vendor = w.vendors[0];
      const device = vendor?.deviceIds[1] ?? "";
      const alice = await loginAs(w, "alice", "alice-token-1");
      const login = await other.call("user/login", {
        User: [{ UserBase: { loginID: "bob" } }],
        AuthToken: "bob-token",
      });
      const bob = (login.body.User as { UserBase: { userID: string } }[])[0]?.UserBase.userID ?? "";
      // A slow vendor: both requests are past the hub's first check before either bind is answered.
      vendor?.cloud.setDelay(300);
      const [a, b] = await Promise.all([
        w.call("user/bindDevices", { UserID: alice.userId, Device: devices([device]) }),
        other.call("user/bindDevices", { UserID: bob, Device: devices([device]) }),
      ]);
      vendor?.cloud.setDelay(0);
      // The vendor was asked twice: the hub's first check let both through.
      expect(vendor?.cloud.calls.filter((c) => c.api === "user/bindDevices")).toHaveLength(2);

      const outcomes = [a, b].map((r) => r.body.FailedIDs as string[]);
      expect(outcomes.filter((f) => f.length === 0)).toHaveLength(1);
      expect(outcomes.filter((f) => f.length === 1 && f[0] === device)).toHaveLength(1);
      const [winner, loser] = outcomes[0]?.length === 0 ? [a, b] : [b, a];
      expect(String(loser?.body.RetInfo)).toMatch(/already bound through platform .*meanwhile.*undone/);

      // The loser's vendor binding was undone; only the winner may use the device.
      const unbinds = vendor?.cloud.calls.filter((c) => c.api === "user/unbindDevices") ?? [];
      expect(unbinds).toHaveLength(1);
      expect(JSON.stringify(unbinds[0]?.body)).toContain(device);
      const status = (call: World["call"], userId: string, token?: string) =>
        call(
          "devices/deviceStatus",
          { UserID: userId, Device: devices([device]) },
          token ? { AccessToken: token } : {},
        );
      if (winner === a) {
        expect((await status(w.call, alice.userId, alice.accessToken)).status).toBe(200);
        expect((await status(other.call, bob, login.headers.accesstoken)).status).toBe(403);
      } else {
        expect((await status(other.call, bob, login.headers.accesstoken)).status).toBe(200);
        expect((await status(w.call, alice.userId, alice.accessToken)).status).toBe(403);
      }
    });
  },
);
