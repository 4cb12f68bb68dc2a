import { deliveries, deviceShadows, platforms, statusReports } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDeviceView, ingestReport } from "../src/index.ts";
import {
  bindDevice,
  insertPlatform,
  openTestDb,
  servicesCheck,
  type TestDb,
  testKeyring,
  testUdeviceId,
} from "../src/testing/index.ts";

const svc = await servicesCheck(false);
if (!svc.ok) console.warn(`ingest.test.ts ${svc.message}`);

describe.skipIf(!svc.ok)("ingestReport", () => {
  let t: TestDb;
  const keyring = testKeyring();
  const dev = testUdeviceId("ingest1");

  beforeAll(async () => {
    t = await openTestDb();
    await insertPlatform(t.db, keyring, { platId: "VENDOR" });
    await insertPlatform(t.db, keyring, { platId: "APP-A", dataGatewayUrl: "http://127.0.0.1:9/a" });
    await insertPlatform(t.db, keyring, { platId: "APP-B", dataGatewayUrl: "http://127.0.0.1:9/b" });
    await insertPlatform(t.db, keyring, { platId: "APP-NOGW" });
    await insertPlatform(t.db, keyring, { platId: "APP-GONE", dataGatewayUrl: "http://127.0.0.1:9/g" });
    await t.db
      .update(platforms)
      .set({ dataGatewayDisabledAt: new Date() })
      .where(eq(platforms.platId, "APP-GONE"));
    // Two users of APP-A bound the device: still one delivery for APP-A.
    for (const platId of ["APP-A", "APP-A", "APP-B", "APP-NOGW", "APP-GONE"]) {
      await bindDevice(t.db, { platId, udeviceId: dev, vendorPlatId: "VENDOR" });
    }
  });
  afterAll(async () => t?.close());

  it("writes history, shadow and one delivery per subscribed platform in one go", async () => {
    const res = await ingestReport({
      db: t.db,
      vendorPlatId: "VENDOR",
      report: {
        udeviceId: dev,
        dataType: "attr",
        deviceStatus: { onOffStatus: "1", mode: "eco" },
        timestamp: "1700000000000",
      },
    });
    expect(res.deliveryIds).toHaveLength(2);
    const rows = await t.db.select().from(deliveries).where(eq(deliveries.reportId, res.reportId));
    expect(rows.map((r) => r.platId).sort()).toEqual(["APP-A", "APP-B"]);
    for (const r of rows) {
      expect(r.status).toBe("pending");
      expect(r.attempts).toBe(0);
      expect(r.id).toMatch(/^msg_/);
    }
    const [report] = await t.db.select().from(statusReports).where(eq(statusReports.id, res.reportId));
    expect(report?.reportedAt?.getTime()).toBe(1700000000000);
    const [shadow] = await t.db.select().from(deviceShadows).where(eq(deviceShadows.udeviceId, dev));
    expect(shadow?.attrs).toEqual({ onOffStatus: "1", mode: "eco" });
    expect(shadow?.online).toBeNull();
  });

  it("merges attributes, tracks online state and the last alarm", async () => {
    const base = { udeviceId: dev, timestamp: "1700000001000" };
    await ingestReport({
      db: t.db,
      vendorPlatId: "VENDOR",
      report: { ...base, dataType: "attr", deviceStatus: { mode: "quick", onLine: "True" } },
    });
    let [s] = await t.db.select().from(deviceShadows).where(eq(deviceShadows.udeviceId, dev));
    expect(s?.attrs).toEqual({ onOffStatus: "1", mode: "quick", onLine: "True" });
    expect(s?.online).toBe(true);

    await ingestReport({
      db: t.db,
      vendorPlatId: "VENDOR",
      report: { ...base, dataType: "onOffline", deviceStatus: { onLine: "False" } },
    });
    [s] = await t.db.select().from(deviceShadows).where(eq(deviceShadows.udeviceId, dev));
    expect(s?.online).toBe(false);
    expect(s?.attrs).toEqual({ onOffStatus: "1", mode: "quick", onLine: "True" }); // onOffline does not touch attrs

    await ingestReport({
      db: t.db,
      vendorPlatId: "VENDOR",
      report: { ...base, dataType: "alarm", deviceStatus: { error: "E21" } },
    });
    [s] = await t.db.select().from(deviceShadows).where(eq(deviceShadows.udeviceId, dev));
    expect(s?.lastAlarm).toEqual({ error: "E21" });
    expect(s?.lastAlarmAt).toBeInstanceOf(Date);
    expect(s?.online).toBe(false);

    const view = await getDeviceView({ db: t.db, udeviceId: dev, reportLimit: 2 });
    expect(view.reports).toHaveLength(2);
    expect(view.reports[0]?.dataType).toBe("alarm");
    expect(view.subscribers.map((p) => p.platId)).toEqual(["APP-A", "APP-B", "APP-GONE", "APP-NOGW"]);
  });

  it("rolls everything back when one write fails", async () => {
    const before = await t.db.select().from(statusReports);
    await expect(
      ingestReport({
        db: t.db,
        vendorPlatId: "NO-SUCH-VENDOR", // violates the foreign key → the whole transaction fails
        report: { udeviceId: dev, dataType: "attr", deviceStatus: { a: "1" }, timestamp: "1" },
      }),
    ).rejects.toThrow();
    expect(await t.db.select().from(statusReports)).toHaveLength(before.length);
  });

  it("a device nobody bound is stored but creates no deliveries", async () => {
    const res = await ingestReport({
      db: t.db,
      vendorPlatId: "VENDOR",
      report: {
        udeviceId: testUdeviceId("lonely"),
        dataType: "attr",
        deviceStatus: { a: "1" },
        timestamp: "1",
      },
    });
    expect(res.deliveryIds).toEqual([]);
  });
});
