import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devices, loginAs, startWorld, type World } from "./support/world.ts";

// Scenario 2 of the standard: a state change of vendor A's washer drives vendor B's air
// conditioner, with the rule running in the app platform and both calls going through the hub.
const WASHER_A = "0000060102002001SIM000001";
const AC_B = "0000070103001001SIM000002";

describe("scenario 2: linkage across vendors through the hub (embedded delivery)", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld("pglite", {}, [
      {
        when: { deviceId: WASHER_A, attr: "runningstatus", equals: "3" },
        act: { loginId: "alice", deviceId: AC_B, attrs: { onOffStatus: "True", mode: "dry" } },
      },
    ]);
  }, 60_000);
  afterAll(async () => w?.close());

  it("A's report reaches the app platform signed, its rule operates B's device through the hub", async () => {
    const [a, b] = w.vendors;
    if (!a || !b) throw new Error("vendors");
    expect(a.deviceIds).toContain(WASHER_A);
    expect(b.deviceIds).toContain(AC_B);
    const alice = await loginAs(w, "alice", "alice-token-1");
    const bind = await w.call("user/bindDevices", {
      UserID: alice.userId,
      Device: devices([WASHER_A, AC_B]),
    });
    expect(bind.body.FailedIDs).toEqual([]);
    expect(b.cloud.devices.get(AC_B)?.attrs.onOffStatus).toBe("False");

    // The washer finishes its cycle; vendor A's cloud reports it to the hub.
    const pushed = await a.cloud.setDeviceAttrs(WASHER_A, { runningstatus: "3" });
    expect(pushed?.status).toBe(200);
    expect((pushed?.json as { RetCode?: string } | undefined)?.RetCode).toBe("200");

    const [report] = await w.app.waitForReports(1, 10_000);
    expect(report?.signatureValid).toBe(true);
    expect(report?.body).toMatchObject({ DeviceID: WASHER_A, DataType: "attr" });
    expect(
      (report?.body as { DeviceStatus?: Record<string, string> } | undefined)?.DeviceStatus?.runningstatus,
    ).toBe("3");
    expect(report?.headers.platid).toBe("YUNLIAN-HUB-0000");

    const [outcome] = await w.app.waitForLinkage(1, 10_000);
    expect(outcome).toMatchObject({ deviceId: AC_B, retCode: "200" });
    expect(b.cloud.devices.get(AC_B)?.attrs).toMatchObject({ onOffStatus: "True", mode: "dry" });

    // The hub kept the shadow and the history, and recorded the delivery.
    const view = await w.admin.get(`/admin/v1/devices/${WASHER_A}`);
    expect(view.status).toBe(200);
    expect((view.body.shadow as { attrs: Record<string, string> }).attrs.runningstatus).toBe("3");
    expect((view.body.subscribers as { platId: string }[]).map((s) => s.platId)).toEqual(["APP-PLAT-0001"]);
    expect((view.body.decoded as { category: { en: string } }).category.en).toMatch(/laundry/i);
    const list = await w.admin.get(`/admin/v1/deliveries?platId=APP-PLAT-0001&status=delivered`);
    expect((list.body.deliveries as { udeviceId: string }[]).map((d) => d.udeviceId)).toContain(WASHER_A);
  }, 30_000);
});
