/**
 * Migration 0014 turns ops and op_devices into tables partitioned by created_at by moving their
 * rows: on a database filled under migration 0013's schema, every row must come through unchanged,
 * in the legacy partition, and new ops must land in the day partitions the retention job makes,
 * which it then drops past HUB_RETENTION_OPS.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase, runRetention, type SessionQuery } from "../src/index.ts";
import { createTestDatabase, postgresAvailable, servicesRequired } from "../src/testing.ts";
import { migrationsUpTo } from "./migrations-up-to.ts";

const available = await postgresAvailable();
if (!available && servicesRequired())
  throw new Error("PostgreSQL is unreachable and TEST_REQUIRE_SERVICES/CI demands it");

const DAY = 86_400_000;

/** 120 ops over five days, one to three devices each, every status. */
async function fillOldSchema(q: SessionQuery): Promise<void> {
  await q(`insert into ops (op_id, plat_id, user_id, status, created_at, settled_at)
           select 'op_' || g, 'APP', 'u' || (g % 9), (array['pending', 'confirmed', 'timeout', 'failed'])[1 + g % 4],
                  now() - (g % 5) * interval '1 day' - g * interval '1 second',
                  case when g % 4 <> 0 then now() - (g % 5) * interval '1 day' end
             from generate_series(1, 120) g`);
  await q(`insert into op_devices (op_id, udevice_id, vendor_plat_id, ord, attrs, status, created_at, deadline, settled_at)
           select o.op_id, 'D' || d, 'V', d - 1, jsonb_build_object('mode', d::text), o.status, o.created_at,
                  o.created_at + interval '60 seconds', o.settled_at
             from ops o cross join generate_series(1, 3) d
            where d <= 1 + (substr(o.op_id, 4)::int % 3)`);
}

const FINGERPRINTS: Record<string, string> = {
  ops: "select op_id, plat_id, user_id, status, created_at, settled_at from ops",
  op_devices:
    "select op_id, udevice_id, vendor_plat_id, ord, attrs, status, created_at, deadline, settled_at from op_devices",
};

async function fingerprints(q: SessionQuery): Promise<Record<string, { n: number; md5: string }>> {
  const out: Record<string, { n: number; md5: string }> = {};
  for (const [table, select] of Object.entries(FINGERPRINTS)) {
    const [row] = await q(
      `select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as md5 from (${select}) x`,
    );
    out[table] = { n: Number(row?.n), md5: String(row?.md5) };
  }
  return out;
}

async function expectOpsMoved(oldSchema: DatabaseHandle, open: () => Promise<DatabaseHandle>): Promise<void> {
  await oldSchema.migrate();
  const before = await oldSchema.withConnection(async (q) => {
    await fillOldSchema(q);
    return fingerprints(q);
  });
  await oldSchema.close();
  expect(before.ops?.n).toBe(120);
  expect(before.op_devices?.n).toBe(240);

  const h = await open();
  try {
    await h.migrate();
    await h.withConnection(async (q) => {
      expect(await fingerprints(q)).toEqual(before);
      for (const table of ["ops", "op_devices"]) {
        const [kind] = await q(`select relkind from pg_class where relname = '${table}'`);
        expect(kind?.relkind, table).toBe("p");
        const where = await q(
          `select tableoid::regclass::text as p, count(*)::int as n from ${table} group by 1`,
        );
        expect(where, table).toEqual([{ p: `${table}_legacy`, n: table === "ops" ? 120 : 240 }]);
      }
    });
    // The legacy partitions end where today does (the newest moved row is from today); the retention
    // job makes the days after, and an op from tomorrow lands in tomorrow's.
    const now = Date.now();
    await runRetention(h, { retention: KEEP_ALL, now });
    const day = (at: number) => new Date(at).toISOString().slice(0, 10).replaceAll("-", "");
    await h.withConnection(async (q) => {
      const tomorrow = new Date(now + DAY).toISOString();
      await q(
        `insert into ops (op_id, plat_id, user_id, created_at) values ('op_fresh', 'APP', 'u1', '${tomorrow}')`,
      );
      await q(`insert into op_devices (op_id, udevice_id, vendor_plat_id, ord, attrs, created_at, deadline)
               select op_id, 'D1', 'V', 0, '{}', created_at, created_at from ops where op_id = 'op_fresh'`);
      const [fresh] = await q(
        `select tableoid::regclass::text as p from op_devices where op_id = 'op_fresh'`,
      );
      expect(fresh?.p).toBe(`op_devices_p${day(now + DAY)}`);
    });
    // Past a day's retention three days on: the legacy partitions and tomorrow's go, one statement
    // each; nothing is left.
    const run = await runRetention(h, { retention: { ...KEEP_ALL, ops: DAY }, now: now + 3 * DAY + 1 });
    expect(run.dropped).toEqual(
      expect.arrayContaining([
        "ops_legacy",
        "op_devices_legacy",
        `ops_p${day(now + DAY)}`,
        `op_devices_p${day(now + DAY)}`,
      ]),
    );
    await h.withConnection(async (q) => {
      const [left] = await q(
        "select (select count(*) from ops)::int + (select count(*) from op_devices)::int as n",
      );
      expect(left?.n).toBe(0);
    });
  } finally {
    await h.close();
  }
}

const KEEP_ALL = { reports: 1e5 * DAY, deliveries: 1e5 * DAY, audit: 1e5 * DAY, ops: 1e5 * DAY };

describe("migration 0014 moves every op and op device into the partitioned tables", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it.skipIf(!available)("on PostgreSQL", async () => {
    const dir = migrationsUpTo(13);
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const old = await openDatabase({ url: database.url, maxConnections: 2, migrationsDir: dir });
    await expectOpsMoved(old, () => openDatabase({ url: database.url, maxConnections: 2 }));
  });

  it("on PGlite", async () => {
    const dir = migrationsUpTo(13);
    const dataDir = mkdtempSync(join(tmpdir(), "pglite-0014-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const old = await openDatabase({ dataDir, migrationsDir: dir });
    await expectOpsMoved(old, () => openDatabase({ dataDir }));
  });
});
