/**
 * Issue 16, reads served from the hub: devices/deviceStatus with `Cache-Control: max-age=N` is
 * answered from the shadow for a device whose latest report is no older than N seconds (each entry
 * with StatusTime), the other devices live in one vendor call; without the header nothing changes.
 */
import { deviceShadows } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bothStorages, devices, loginAs, startWorldIfAvailable, type World } from "./support/world.ts";

type Entry = { DeviceInfo: { deviceID: string }; DeviceAttr?: Record<string, string>; StatusTime?: string };
const entries = (body: Record<string, unknown>) => body.Device as Entry[];

describe.each(bothStorages)("deviceStatus from the shadow ($storage)", ({ storage }) => {
  let w: World | undefined;
  let alice: { userId: string; accessToken: string };
  let bob: { userId: string; accessToken: string };
  let reported = "";
  let silent = "";
  const statusCalls = () =>
    w?.vendors[0]?.cloud.calls.filter((c) => c.api === "devices/deviceStatus").length ?? 0;

  beforeAll(async () => {
    w = await startWorldIfAvailable(storage);
    if (!w) return;
    alice = await loginAs(w, "alice", "alice-token-1");
    bob = await loginAs(w, "bob", "bob-token-1");
    [reported = "", silent = ""] = w.vendors[0]?.deviceIds ?? [];
    const bound = await w.call("user/bindDevices", {
      UserID: alice.userId,
      Device: devices([reported, silent]),
    });
    expect(bound.body).toMatchObject({ RetCode: "200", FailedIDs: [] });
    // The washer reports a state the vendor's live answer would not show (set without a report after).
    const sent = await w.vendors[0]?.cloud.pushReport({
      DeviceID: reported,
      DataType: "attr",
      DeviceStatus: { laundryCycle: "from-the-report" },
    });
    expect(sent?.status).toBe(200);
  }, 60_000);
  afterAll(async () => w?.close());

  it("a fresh shadow answers without a vendor call, with StatusTime", async () => {
    if (!w) return;
    const before = statusCalls();
    const res = await w.call(
      "devices/deviceStatus",
      { UserID: alice.userId, Device: devices([reported]) },
      { "Cache-Control": "max-age=3600" },
    );
    expect(res.body.RetCode).toBe("200");
    const [entry] = entries(res.body);
    expect(entry?.DeviceAttr?.laundryCycle).toBe("from-the-report");
    expect(Number(entry?.StatusTime)).toBeGreaterThan(0);
    expect(statusCalls()).toBe(before);
  });

  it("mixed: the reported device from the shadow, the silent one live, in one vendor call, in request order", async () => {
    if (!w) return;
    const before = statusCalls();
    const res = await w.call(
      "devices/deviceStatus",
      { UserID: alice.userId, Device: devices([silent, reported]) },
      { "Cache-Control": "no-transform, max-age=3600" },
    );
    expect(res.body.RetCode).toBe("200");
    const [first, second] = entries(res.body);
    expect(first?.DeviceInfo.deviceID).toBe(silent);
    expect(first?.StatusTime).toMatch(/^\d+$/);
    expect(second?.DeviceAttr?.laundryCycle).toBe("from-the-report");
    expect(statusCalls()).toBe(before + 1);
    const asked = w.vendors[0]?.cloud.calls.at(-1)?.body as {
      Device: { DeviceInfo: { deviceID: string } }[];
    };
    expect(asked.Device.map((d) => d.DeviceInfo.deviceID)).toEqual([silent]);
  });

  it("a shadow older than max-age is not used: the vendor answers", async () => {
    if (!w) return;
    await w.hub.hub.database.db
      .update(deviceShadows)
      .set({ lastReportAt: new Date(Date.now() - 2 * 3600_000) })
      .where(eq(deviceShadows.udeviceId, reported));
    const before = statusCalls();
    const res = await w.call(
      "devices/deviceStatus",
      { UserID: alice.userId, Device: devices([reported]) },
      { "Cache-Control": "max-age=3600" },
    );
    expect(res.body.RetCode).toBe("200");
    expect(entries(res.body)[0]?.DeviceAttr?.laundryCycle).not.toBe("from-the-report");
    expect(statusCalls()).toBe(before + 1);
  });

  it("without the header the read is live and carries no StatusTime", async () => {
    if (!w) return;
    await w.hub.hub.database.db
      .update(deviceShadows)
      .set({ lastReportAt: new Date() })
      .where(eq(deviceShadows.udeviceId, reported));
    const before = statusCalls();
    const res = await w.call("devices/deviceStatus", { UserID: alice.userId, Device: devices([reported]) });
    expect(res.body.RetCode).toBe("200");
    expect(entries(res.body)[0]).not.toHaveProperty("StatusTime");
    expect(statusCalls()).toBe(before + 1);
  });

  it("a user who has not bound the device gets 403 before any shadow is read", async () => {
    if (!w) return;
    const res = await w.call(
      "devices/deviceStatus",
      { UserID: bob.userId, Device: devices([reported]) },
      { "Cache-Control": "max-age=3600" },
    );
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain("from-the-report");
  });
});
