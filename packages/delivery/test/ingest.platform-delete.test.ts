import { deliveries, deviceShadows, platforms, statusReports } from "@yunlian/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestReport, ReportingPlatformGone } from "../src/index.ts";
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
if (!svc.ok) console.warn(`ingest.platform-delete.test.ts ${svc.message}`);

/** Resolves with "pending" if `p` has not settled within `ms`. */
function stateAfter(p: Promise<unknown>, ms: number): Promise<"settled" | "pending"> {
  return Promise.race([
    p.then(
      () => "settled" as const,
      () => "settled" as const,
    ),
    new Promise<"pending">((r) => setTimeout(() => r("pending"), ms)),
  ]);
}

/**
 * Runs `work` in a transaction that stays open (holding its locks) until `release()`; `done`
 * settles once it has committed.
 */
function heldTransaction(
  db: TestDb["db"],
  work: (tx: Parameters<Parameters<TestDb["db"]["transaction"]>[0]>[0]) => Promise<unknown>,
) {
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  const done = db.transaction(async (tx) => {
    await work(tx);
    await held;
  });
  return { release, done };
}

// Reports and deliveries reference their platforms without foreign keys (migrations/0003); ingest
// locks the platforms instead. A platform deleted while reports about it are being written must
// leave no report or delivery behind, whichever of the two transactions goes first.
describe.skipIf(!svc.ok)("ingest racing a platform deletion", () => {
  const keyring = testKeyring();
  let t: TestDb;
  let seq = 0;

  beforeAll(async () => {
    t = await openTestDb(12);
  });
  afterAll(async () => t?.close());

  async function world() {
    seq += 1;
    const vendor = `DV${seq}`;
    const receiver = `DR${seq}`;
    const other = `DO${seq}`;
    const dev = testUdeviceId(`del${seq}`);
    await insertPlatform(t.db, keyring, { platId: vendor });
    for (const platId of [receiver, other]) {
      await insertPlatform(t.db, keyring, { platId, dataGatewayUrl: `http://127.0.0.1:9/${platId}` });
      await bindDevice(t.db, { platId, udeviceId: dev, vendorPlatId: vendor });
    }
    const ingest = () =>
      ingestReport({
        db: t.db,
        vendorPlatId: vendor,
        report: {
          udeviceId: dev,
          dataType: "attr",
          deviceStatus: { mode: "eco" },
          timestamp: "1700000000000",
        },
      });
    return { vendor, receiver, other, dev, ingest };
  }

  async function orphans() {
    const [row] = (await t.db.execute(sql`
      select (select count(*) from ${deliveries} d where not exists
                (select 1 from ${platforms} p where p.plat_id = d.plat_id))::int as deliveries,
             (select count(*) from ${statusReports} r where not exists
                (select 1 from ${platforms} p where p.plat_id = r.vendor_plat_id))::int as reports`)) as unknown as {
      deliveries: number;
      reports: number;
    }[];
    return row;
  }

  it("a receiver deleted (uncommitted) first: ingest waits, then writes no delivery for it", async () => {
    const w = await world();
    const deleting = heldTransaction(t.db, (tx) =>
      tx.delete(platforms).where(eq(platforms.platId, w.receiver)),
    );
    await new Promise((r) => setTimeout(r, 100)); // the delete holds the row
    const ingesting = w.ingest();
    expect(await stateAfter(ingesting, 300)).toBe("pending");
    deleting.release();
    await deleting.done;
    const res = await ingesting;
    const rows = await t.db.select().from(deliveries).where(eq(deliveries.reportId, res.reportId));
    expect(rows.map((r) => r.platId)).toEqual([w.other]);
    expect(await orphans()).toEqual({ deliveries: 0, reports: 0 });
  });

  it("the reporting vendor deleted (uncommitted) first: ingest waits, then stores nothing and says why", async () => {
    const w = await world();
    const deleting = heldTransaction(t.db, (tx) =>
      tx.delete(platforms).where(eq(platforms.platId, w.vendor)),
    );
    await new Promise((r) => setTimeout(r, 100));
    const ingesting = w.ingest();
    ingesting.catch(() => undefined);
    expect(await stateAfter(ingesting, 300)).toBe("pending");
    deleting.release();
    await deleting.done;
    await expect(ingesting).rejects.toThrow(`platform ${w.vendor} no longer exists`);
    await expect(ingesting).rejects.toBeInstanceOf(ReportingPlatformGone);
    expect(await orphans()).toEqual({ deliveries: 0, reports: 0 });
  });

  it("ingest first (held mid-statement): the deletion waits for it, and its cascade takes the new rows", async () => {
    const w = await world();
    // Seed the shadow, then hold its row so the next ingest stops at the shadow write, after it
    // has locked its platforms and before it commits.
    await w.ingest();
    const holding = heldTransaction(t.db, (tx) =>
      tx.select().from(deviceShadows).where(eq(deviceShadows.udeviceId, w.dev)).for("update"),
    );
    await new Promise((r) => setTimeout(r, 100));
    const ingesting = w.ingest();
    await new Promise((r) => setTimeout(r, 200)); // it is now waiting for the shadow row
    const deleting = t.db.delete(platforms).where(eq(platforms.platId, w.receiver));
    expect(await stateAfter(deleting, 300)).toBe("pending"); // blocked by ingest's key-share lock
    holding.release();
    await holding.done;
    const res = await ingesting;
    await deleting;
    expect(await t.db.select().from(deliveries).where(eq(deliveries.reportId, res.reportId))).toHaveLength(1);
    expect(await orphans()).toEqual({ deliveries: 0, reports: 0 });

    // The same with the vendor: its reports (and their deliveries) go with it.
    const vendorDelete = t.db.delete(platforms).where(eq(platforms.platId, w.vendor));
    await vendorDelete;
    expect(await t.db.select().from(statusReports).where(eq(statusReports.vendorPlatId, w.vendor))).toEqual(
      [],
    );
    expect(await orphans()).toEqual({ deliveries: 0, reports: 0 });
  });
});
