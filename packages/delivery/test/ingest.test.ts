import { deliveries, deviceShadows, platforms, statusReports } from "@yunlian/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDeviceView, ingestReport, type NormalisedReport } from "../src/index.ts";
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

  it("group-commits concurrent reports: each gets its own result, a bad one fails alone", async () => {
    const other = testUdeviceId("ingest2");
    const base = { dataType: "attr" as const, timestamp: "1700000002000" };
    const reports: { udeviceId: string; deviceStatus: Record<string, string> }[] = [
      { udeviceId: dev, deviceStatus: { seq: "1", mode: "m1" } },
      { udeviceId: other, deviceStatus: { seq: "2" } },
      { udeviceId: dev, deviceStatus: { seq: "3" } },
      { udeviceId: dev, deviceStatus: { seq: "4", mode: "m4" } },
    ];
    const calls = reports.map((r) =>
      ingestReport({ db: t.db, vendorPlatId: "VENDOR", report: { ...base, ...r } }),
    );
    const bad = ingestReport({
      db: t.db,
      vendorPlatId: "NO-SUCH-VENDOR",
      report: { ...base, udeviceId: dev, deviceStatus: { seq: "bad" } },
    });
    const [results, badResult] = await Promise.all([Promise.all(calls), bad.catch((e: unknown) => e)]);
    expect(badResult).toBeInstanceOf(Error);
    expect(results.map((r) => r.deliveryIds.length)).toEqual([2, 0, 2, 2]);
    expect(new Set(results.map((r) => r.reportId)).size).toBe(4);
    for (const r of results) {
      const rows = await t.db.select().from(deliveries).where(eq(deliveries.reportId, r.reportId));
      expect(rows.map((d) => d.id).sort()).toEqual([...r.deliveryIds].sort());
    }
    // One device's reports are applied in arrival order: its shadow ends with the last one's values.
    const [s] = await t.db.select().from(deviceShadows).where(eq(deviceShadows.udeviceId, dev));
    expect(s?.attrs).toMatchObject({ seq: "4", mode: "m4" });
    const ids = [results[0], results[2], results[3]].map((r) => r?.reportId ?? 0);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const stored = await t.db.select().from(statusReports).where(eq(statusReports.udeviceId, dev));
    expect(stored.some((r) => (r.deviceStatus as Record<string, string>).seq === "bad")).toBe(false);
  });

  it("a batch with several data types for one device merges like the same reports one by one", async () => {
    const d = testUdeviceId("ingest3");
    const at = { udeviceId: d, timestamp: "1700000003000" };
    const reports: NormalisedReport[] = [
      { ...at, dataType: "attr" as const, deviceStatus: { mode: "q", onLine: "True" } },
      { ...at, dataType: "onOffline" as const, deviceStatus: { onLine: "False" } },
      { ...at, dataType: "alarm" as const, deviceStatus: { error: "E1" } },
      { ...at, dataType: "attr" as const, deviceStatus: { temp: "40" } },
    ];
    await Promise.all(reports.map((report) => ingestReport({ db: t.db, vendorPlatId: "VENDOR", report })));
    const [s] = await t.db.select().from(deviceShadows).where(eq(deviceShadows.udeviceId, d));
    expect(s?.attrs).toEqual({ mode: "q", onLine: "True", temp: "40" });
    expect(s?.online).toBe(false); // the last attr report says nothing about onLine
    expect(s?.lastAlarm).toEqual({ error: "E1" });
    expect(s?.lastAlarmAt).toBeInstanceOf(Date);
  });

  it("one device reported several times in a batch: each report keeps its own id and deliveries", async () => {
    const reports = ["1", "2", "3"].map((seq) => ({
      udeviceId: dev,
      dataType: "attr" as const,
      deviceStatus: { seq },
      timestamp: "1700000004000",
    }));
    const results = await Promise.all(
      reports.map((report) => ingestReport({ db: t.db, vendorPlatId: "VENDOR", report })),
    );
    expect(new Set(results.map((r) => r.reportId)).size).toBe(3);
    for (const [i, r] of results.entries()) {
      const [stored] = await t.db.select().from(statusReports).where(eq(statusReports.id, r.reportId));
      expect(stored?.deviceStatus).toEqual({ seq: String(i + 1) });
      expect(r.deliveryIds).toHaveLength(2); // APP-A and APP-B
      for (const id of r.deliveryIds) {
        const [d] = await t.db.select().from(deliveries).where(eq(deliveries.id, id));
        expect(d?.reportId).toBe(r.reportId);
      }
    }
    const [s] = await t.db.select().from(deviceShadows).where(eq(deviceShadows.udeviceId, dev));
    expect(s?.attrs).toMatchObject({ seq: "3" });
  });
});
