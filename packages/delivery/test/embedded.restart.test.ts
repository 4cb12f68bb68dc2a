import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestReport, listDeliveries, replayDeliveries } from "../src/index.ts";
import {
  answerOk,
  bindDevice,
  insertPlatform,
  openTestDb,
  servicesCheck,
  startTestReceiver,
  type TestDb,
  type TestReceiver,
  testKeyring,
  testUdeviceId,
} from "../src/testing/index.ts";
import { startRunner, testConfig, waitForStatus } from "./support/modes.ts";

const svc = await servicesCheck(false);
if (!svc.ok) console.warn(`embedded.restart.test.ts ${svc.message}`);

describe.skipIf(!svc.ok)("embedded mode restart and admin queries", () => {
  let t: TestDb;
  let rec: TestReceiver;
  const keyring = testKeyring();
  const dev = testUdeviceId("emb");
  beforeAll(async () => {
    t = await openTestDb();
    rec = await startTestReceiver(() => ({ status: 503 }));
    await insertPlatform(t.db, keyring, { platId: "V" });
    await insertPlatform(t.db, keyring, { platId: "APP", dataGatewayUrl: rec.url });
    await bindDevice(t.db, { platId: "APP", udeviceId: dev, vendorPlatId: "V" });
  });
  afterAll(async () => {
    await rec?.close();
    await t?.close();
  });

  const ingest = (i: number) =>
    ingestReport({
      db: t.db,
      vendorPlatId: "V",
      notifier: t.handle,
      report: {
        udeviceId: dev,
        dataType: "attr",
        deviceStatus: { i: String(i) },
        timestamp: String(Date.now()),
      },
    });

  it("pending deliveries resume after a restart", async () => {
    // After the first failure each delivery waits 3 s; meanwhile the runner stops ("crash").
    const config = testConfig({
      backoff: [0, 3_000, 3_000],
      breaker: { failureThreshold: 100, cooldownMs: 1_000, maxCooldownMs: 1_000 },
    });
    const first = await startRunner("embedded", t.handle, config, "emb1");
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(...(await ingest(i)).deliveryIds);
    await waitForStatus(t.db, ids, "failed", 10_000);
    await first.stop();
    rec.setBehaviour(answerOk);
    for (let i = 10; i < 15; i++) ids.push(...(await ingest(i)).deliveryIds); // arrive while "down"
    const second = await startRunner("embedded", t.handle, config, "emb2");
    await waitForStatus(t.db, ids, "delivered", 15_000);
    await second.stop();
    expect(new Set(rec.requests.filter((r) => r.headers["webhook-id"]).map((r) => r.webhookId)).size).toBe(
      15,
    );
  });

  it("lists newest first with a stable cursor, filters, and bulk-replays since a time", async () => {
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listDeliveries({ db: t.db, platId: "APP", limit: 4, ...(cursor ? { cursor } : {}) });
      all.push(...page.deliveries.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toHaveLength(15);
    expect(new Set(all).size).toBe(15);
    const newest = await listDeliveries({ db: t.db, limit: 1 });
    expect(newest.deliveries[0]?.id).toBe(all[0]);
    expect((await listDeliveries({ db: t.db, status: "dead", limit: 10 })).deliveries).toEqual([]);
    expect((await listDeliveries({ db: t.db, udeviceId: "nope", limit: 10 })).deliveries).toEqual([]);
    // By device (found through its reports): all of this device's, newest first, the cursor intact.
    const byDevice = await listDeliveries({ db: t.db, udeviceId: dev, limit: 10 });
    expect(byDevice.deliveries.map((d) => d.id)).toEqual(all.slice(0, 10));
    const rest = await listDeliveries({
      db: t.db,
      udeviceId: dev,
      limit: 10,
      cursor: byDevice.nextCursor ?? "",
    });
    expect(rest.deliveries.map((d) => d.id)).toEqual(all.slice(10));
    expect(await replayDeliveries({ db: t.db, platId: "APP", since: new Date(0) })).toBe(0); // none failed/dead
    await expect(listDeliveries({ db: t.db, limit: 5, cursor: "garbage" })).rejects.toThrow(/cursor/);
  });
});
