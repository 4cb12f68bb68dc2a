import { deliveries, openDatabase } from "@yunlian/db";
import { seqScansAfterOutboxGrowth } from "@yunlian/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestDatabaseUrl, ingestReport, sweepOnce, workerDatabaseUrl } from "../src/index.ts";
import {
  bindDevice,
  insertPlatform,
  openTestDb,
  servicesCheck,
  type TestDb,
  testKeyring,
  testUdeviceId,
} from "../src/testing/index.ts";

describe("ingestDatabaseUrl", () => {
  it("keeps plans made without sequential scans, and synchronous commits", () => {
    const url = new URL(ingestDatabaseUrl("postgres://u@db:5432/hub"));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      enable_seqscan: "off",
      plan_cache_mode: "auto",
      jit: "off",
    });
  });
});

describe("workerDatabaseUrl", () => {
  it("adds the worker's session settings", () => {
    const url = new URL(workerDatabaseUrl("postgres://u@db:5432/hub?sslmode=require"));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      sslmode: "require",
      synchronous_commit: "off",
      enable_seqscan: "off",
      plan_cache_mode: "auto",
      jit: "off",
    });
  });

  it("keeps settings the operator put in the URL", () => {
    const url = new URL(
      workerDatabaseUrl("postgres://u@db/hub?synchronous_commit=on&plan_cache_mode=force_custom_plan"),
    );
    expect(url.searchParams.get("synchronous_commit")).toBe("on");
    expect(url.searchParams.get("plan_cache_mode")).toBe("force_custom_plan");
    expect(url.searchParams.get("enable_seqscan")).toBe("off");
  });
});

const svc = await servicesCheck(false);

describe.skipIf(!svc.ok)("a worker pool's cached plans", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(2);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("keep using the outbox's indexes after a plan made on a nearly empty outbox", async () => {
    expect(await seqScansAfterOutboxGrowth(workerDatabaseUrl(t.url))).toBe(0);
  });

  it("find open rows through the partial index once settled rows fill the outbox (sweeper)", async () => {
    const keyring = testKeyring();
    await insertPlatform(t.db, keyring, { platId: "PV" });
    await insertPlatform(t.db, keyring, { platId: "PA", dataGatewayUrl: "http://127.0.0.1:9/a" });
    const outbox = (settled: number, open: number) =>
      t.db.execute(sql`
        with r as (
          insert into status_reports (udevice_id, vendor_plat_id, data_type, device_status)
          select 'dev' || g, 'PV', 'attr', '{}' from generate_series(1, ${settled + open}) g returning id
        )
        insert into ${deliveries} (id, report_id, plat_id, udevice_id, status, next_attempt_at, created_at, enqueued_at, settled_at)
        select 'msg_' || r.id, r.id, 'PA', 'dev', case when r.id % ${settled + open} < ${settled} then 'delivered' else 'pending' end,
               now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour',
               case when r.id % ${settled + open} < ${settled} then now() else 'infinity' end
          from r`);
    const worker = await openDatabase({ url: workerDatabaseUrl(t.url), maxConnections: 1 });
    // The worker's backend reports its counters when idle after asking for it (and at most once a
    // second otherwise): ask, wait a moment, then read them from another connection.
    const scans = async () => {
      await worker.db.execute(sql`select pg_stat_force_next_flush()`);
      await new Promise((r) => setTimeout(r, 100));
      const [row] = (await t.db.execute(sql`
        select pg_stat_clear_snapshot(),
               -- deliveries is partitioned (migrations/0008): its partitions' scans.
               (select sum(seq_scan) from pg_stat_user_tables
                 where relid in (select inhrelid from pg_inherits where inhparent = 'deliveries'::regclass)) as seq,
               (select coalesce(sum(idx_scan), 0) from pg_stat_user_indexes
                 where indexrelid in (select inhrelid from pg_inherits
                                       where inhparent = 'deliveries_open_next_attempt_at_idx'::regclass)) as open_index`)) as unknown as {
        seq: number | string;
        open_index: number | string;
      }[];
      return { seq: Number(row?.seq), openIndex: Number(row?.open_index) };
    };
    try {
      // Plans made while the outbox is small, then kept (generic) by the worker's pool.
      await outbox(5, 1);
      for (let i = 0; i < 8; i++) await sweepOnce({ db: worker.db, graceMs: 60_000, batchSize: 10 });
      await outbox(20_000, 3);
      await t.db.execute(sql`analyze ${deliveries}`);
      const before = await scans();
      const swept: number[] = [];
      for (let i = 0; i < 5; i++)
        swept.push(await sweepOnce({ db: worker.db, graceMs: 60_000, batchSize: 1_000 }));
      expect(swept).toEqual([3, 0, 0, 0, 0]);
      const after = await scans();
      expect(after.seq - before.seq).toBe(0);
      expect(after.openIndex - before.openIndex).toBeGreaterThanOrEqual(5);
    } finally {
      await worker.close();
    }
  });

  it("the ingest pool's kept plan finds platforms and bindings by key after both grow", async () => {
    const keyring = testKeyring();
    const dev = testUdeviceId("plan1");
    await insertPlatform(t.db, keyring, { platId: "IV" });
    await insertPlatform(t.db, keyring, { platId: "IA", dataGatewayUrl: "http://127.0.0.1:9/i" });
    await bindDevice(t.db, { platId: "IA", udeviceId: dev, vendorPlatId: "IV" });
    const ingest = await openDatabase({ url: ingestDatabaseUrl(t.url), maxConnections: 1 });
    const report = () =>
      ingestReport({
        db: ingest.db,
        vendorPlatId: "IV",
        report: {
          udeviceId: dev,
          dataType: "attr",
          deviceStatus: { mode: "eco" },
          timestamp: "1700000000000",
        },
      });
    const seqScans = async () => {
      await ingest.db.execute(sql`select pg_stat_force_next_flush()`);
      await new Promise((r) => setTimeout(r, 100));
      const rows = (await t.db.execute(sql`
        select pg_stat_clear_snapshot(), relname, seq_scan from pg_stat_user_tables
         where relname in ('platforms', 'bindings')`)) as unknown as {
        relname: string;
        seq_scan: number | string;
      }[];
      return rows.reduce((n, r) => n + Number(r.seq_scan), 0);
    };
    try {
      // Planned (and then kept) while both tables hold a few rows.
      for (let i = 0; i < 8; i++) expect((await report()).deliveryIds).toHaveLength(1);
      await t.db.execute(sql`
        insert into platforms (plat_id, name, app_id, secret_ciphertext, secret_key_id)
        select 'BULK' || g, 'bulk', 'bulk' || g, 'c', 'k' from generate_series(1, 20000) g`);
      await t.db.execute(sql`
        insert into hub_users (user_id, plat_id, login_id) select 'bu' || g, 'BULK' || g, 'l' from generate_series(1, 20000) g`);
      await t.db.execute(sql`
        insert into bindings (user_id, udevice_id, plat_id, vendor_plat_id)
        select 'bu' || g, 'other' || g, 'BULK' || g, 'IV' from generate_series(1, 20000) g`);
      const before = await seqScans();
      for (let i = 0; i < 5; i++) expect((await report()).deliveryIds).toHaveLength(1);
      expect((await seqScans()) - before).toBe(0);
    } finally {
      await ingest.close();
    }
  });
});
