import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, runRetention, type SessionQuery } from "../src/index.ts";
import {
  listPartitions,
  partitionName,
  startOfInterval,
  uncovered,
  validPartitionInterval,
} from "../src/retention/partitions.ts";
import { partitionsAheadFor } from "../src/retention/schedule.ts";
import { createTestDatabase, postgresAvailable, servicesRequired } from "../src/testing.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const available = await postgresAvailable();
if (!available && servicesRequired())
  throw new Error("PostgreSQL is unreachable and TEST_REQUIRE_SERVICES/CI demands it");

describe("partition intervals (HUB_PARTITION_INTERVAL), pure parts", () => {
  it("names day partitions as before and shorter ones by their start minute", () => {
    const day = Date.UTC(2026, 11, 4);
    expect(partitionName("status_reports", day, day + DAY)).toBe("status_reports_p20261204");
    expect(partitionName("status_reports", day + 325 * MIN, day + 330 * MIN)).toBe(
      "status_reports_p20261204t0525",
    );
    // A gap left between shorter partitions, ending inside a day, is named by its start too.
    expect(partitionName("deliveries", day, day + 5 * MIN)).toBe("deliveries_p20261204t0000");
  });

  it("accepts whole minutes dividing a day, or whole days", () => {
    for (const ok of [MIN, 5 * MIN, 60 * MIN, 6 * 60 * MIN, DAY, 7 * DAY])
      expect(validPartitionInterval(ok)).toBe(true);
    for (const bad of [30_000, 7 * MIN, 25 * 60 * MIN, 1.5 * DAY, 0])
      expect(validPartitionInterval(bad)).toBe(false);
  });

  it("fills only the gaps existing partitions leave", () => {
    const p = (from: number, to: number) => ({ name: "x", from, to, isDefault: false });
    const dflt = { name: "d", from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY, isDefault: true };
    expect(uncovered(0, 100, [dflt])).toEqual([[0, 100]]);
    expect(uncovered(0, 100, [p(20, 30), p(0, 10), dflt])).toEqual([
      [10, 20],
      [30, 100],
    ]);
    expect(uncovered(0, 100, [p(-50, 150)])).toEqual([]);
    expect(startOfInterval(Date.UTC(2026, 11, 4, 5, 27, 13), 5 * MIN)).toBe(Date.UTC(2026, 11, 4, 5, 25));
  });

  it("keeps more partitions ahead when runs are further apart than a partition is long", () => {
    expect(partitionsAheadFor(3_600_000, DAY)).toBe(3);
    expect(partitionsAheadFor(30_000, 2 * MIN)).toBe(3);
    expect(partitionsAheadFor(3_600_000, 5 * MIN)).toBe(24);
  });
});

async function names(q: SessionQuery, table: string): Promise<string[]> {
  return (await listPartitions(q, table)).map((p) => p.name);
}

/**
 * Five-minute partitions, ten minutes of retention: partitions made ahead at earlier clocks, then
 * history in them; a run drops the partitions past retention, keeps the one whose report an open
 * delivery still needs, and never the open delivery. Then the interval goes back to a day: the
 * new day partitions fill only the gaps the five-minute ones leave.
 */
async function expectShortIntervals(handle: DatabaseHandle): Promise<void> {
  await handle.migrate();
  const step = 5 * MIN;
  const now = startOfInterval(Date.now(), step) + 2 * MIN;
  const keepAll = { reports: 1e5 * DAY, deliveries: 1e5 * DAY, audit: 1e5 * DAY, ops: 1e5 * DAY };
  for (const back of [30, 25, 20, 15, 10, 5, 0]) {
    const run = await runRetention(handle, { retention: keepAll, now: now - back * MIN, partitionMs: step });
    expect(run.ran).toBe(true);
    // Each run makes what is missing of its interval and the 3 after it.
    expect(run.created.length).toBeGreaterThan(0);
  }
  const slot = (minutesBack: number) => {
    const from = startOfInterval(now - minutesBack * MIN, step);
    return (table: string) => partitionName(table, from, from + step);
  };
  const iso = (minutesBack: number) => `'${new Date(now - minutesBack * MIN).toISOString()}'::timestamptz`;
  await handle.withConnection(async (q) => {
    expect(await names(q, "status_reports")).toEqual(
      expect.arrayContaining([
        slot(30)("status_reports"),
        slot(0)("status_reports"),
        slot(-15)("status_reports"),
      ]),
    );
    await q(`insert into platforms (plat_id, name, app_id, secret_ciphertext, secret_key_id)
             values ('V', 'v', 'app-v', 'c', 'k'), ('A', 'a', 'app-a', 'c', 'k')`);
    await q(`insert into status_reports (id, udevice_id, vendor_plat_id, data_type, device_status, received_at) values
             (1, 'D1', 'V', 'attr', '{}', ${iso(29)}), (2, 'D1', 'V', 'attr', '{}', ${iso(19)}),
             (3, 'D1', 'V', 'attr', '{}', ${iso(1)})`);
    await q(`insert into deliveries (id, report_id, plat_id, udevice_id, status, created_at, settled_at) values
             ('msg_old', 1, 'A', 'D1', 'delivered', ${iso(29)}, ${iso(29)}),
             ('msg_open', 2, 'A', 'D1', 'failed', ${iso(19)}, 'infinity'),
             ('msg_recent', 3, 'A', 'D1', 'delivered', ${iso(1)}, ${iso(1)})`);
    expect((await q(`select tableoid::regclass::text as p from status_reports where id = 1`))[0]?.p).toBe(
      slot(29)("status_reports"),
    );
  });

  const run = await runRetention(handle, {
    retention: { reports: 10 * MIN, deliveries: 10 * MIN, audit: 400 * DAY, ops: 400 * DAY },
    now,
    partitionMs: step,
  });
  expect(run.ran).toBe(true);
  // Past ten minutes: the partitions from 30 to 15 minutes back, of each table but the report one
  // an open delivery still needs; the partition of 10 minutes back ends exactly at the cutoff
  // only if `now` sits on a boundary, which it does not (2 minutes past one), so it stays.
  expect(run.dropped).toEqual(
    expect.arrayContaining([
      slot(30)("status_reports"),
      slot(25)("status_reports"),
      slot(30)("deliveries"),
      slot(15)("deliveries"),
      slot(30)("delivery_attempts"),
    ]),
  );
  expect(run.kept).toEqual([slot(19)("status_reports")]);
  expect(run.dropped).not.toContain(slot(10)("status_reports"));
  expect(run.dropped).not.toContain("deliveries_open");
  await handle.withConnection(async (q) => {
    expect((await q("select id from status_reports order by id")).map((r) => Number(r.id))).toEqual([2, 3]);
    expect((await q("select id from deliveries order by id")).map((r) => r.id)).toEqual([
      "msg_open",
      "msg_recent",
    ]);
    const [open] = await q(
      "select tableoid::regclass::text as p, status from deliveries where id = 'msg_open'",
    );
    expect(open).toEqual({ p: "deliveries_open", status: "failed" });
  });
  // A second run at the same clock has nothing left to do.
  const again = await runRetention(handle, {
    retention: { reports: 10 * MIN, deliveries: 10 * MIN, audit: 400 * DAY, ops: 400 * DAY },
    now,
    partitionMs: step,
  });
  expect(again).toMatchObject({ ran: true, created: [], dropped: [] });

  // Back to day partitions: only the gaps are filled, and today to 3 days ahead is all covered.
  const back = await runRetention(handle, { retention: keepAll, now });
  expect(back.created.length).toBeGreaterThan(0);
  await handle.withConnection(async (q) => {
    for (const table of ["status_reports", "deliveries", "delivery_attempts", "audit_log"]) {
      const parts = await listPartitions(q, table);
      const today = startOfInterval(now, DAY);
      expect(uncovered(today, today + 4 * DAY, parts), table).toEqual([]);
    }
  });
}

describe("partition intervals, PGlite", () => {
  it("5-minute partitions: created ahead, dropped past 10 minutes, an open delivery never", async () => {
    const h = await openDatabase({ dataDir: "memory://" });
    try {
      await expectShortIntervals(h);
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(!available)("partition intervals, PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await openDatabase({ url: database.url, maxConnections: 2 });
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it("5-minute partitions: created ahead, dropped past 10 minutes, an open delivery never", async () => {
    await expectShortIntervals(handle);
  });
});
