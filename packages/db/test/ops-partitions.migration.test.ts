/**
 * Migration 0014 turns ops and op_devices into tables partitioned by created_at by moving their
 * rows: on a database filled under migration 0013's schema, every row must come through unchanged,
 * in the legacy partition, and new ops must land in the day partitions the retention job makes,
 * which it then drops past HUB_RETENTION_OPS.
 */
import { expect } from "vitest";
import { type DatabaseHandle, runRetention, type SessionQuery } from "../src/index.ts";
import { describeMigration, fingerprints } from "./migration-support.ts";

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

async function expectOpsMoved(oldSchema: DatabaseHandle, open: () => Promise<DatabaseHandle>): Promise<void> {
  await oldSchema.migrate();
  const before = await oldSchema.withConnection(async (q) => {
    await fillOldSchema(q);
    return fingerprints(q, FINGERPRINTS);
  });
  await oldSchema.close();
  expect(before.ops?.n).toBe(120);
  expect(before.op_devices?.n).toBe(240);

  const h = await open();
  try {
    await h.migrate();
    await h.withConnection(async (q) => {
      expect(await fingerprints(q, FINGERPRINTS)).toEqual(before);
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

describeMigration(
  "migration 0014 moves every op and op device into the partitioned tables",
  13,
  expectOpsMoved,
);
