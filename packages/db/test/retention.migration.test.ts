/**
 * Migration 0008 turns four tables into partitioned ones by moving their rows: on a database
 * filled under migration 0005's schema, every row must come through unchanged, in the partition
 * it belongs to, with sequences, defaults and delete cascades still working.
 */
import { expect } from "vitest";
import type { DatabaseHandle, SessionQuery } from "../src/index.ts";
import { describeMigration, fingerprints } from "./migration-support.ts";

const DAY = "interval '1 day'";

/** Rows in every table 0008 touches, over several days, deliveries in every state. */
async function fillOldSchema(q: SessionQuery): Promise<void> {
  await q(`insert into platforms (plat_id, name, app_id, secret_ciphertext, secret_key_id)
           values ('V', 'v', 'app-v', 'c', 'k'), ('A', 'a', 'app-a', 'c', 'k'), ('B', 'b', 'app-b', 'c', 'k')`);
  await q(`insert into status_reports (udevice_id, vendor_plat_id, data_type, device_status, reported_at, received_at, request_id)
           select 'D' || (g % 7), 'V', 'attr', jsonb_build_object('n', g::text), now() - g * interval '1 hour',
                  now() - (g % 40) * ${DAY}, 'req-' || g
             from generate_series(1, 300) g`);
  await q(
    `insert into device_shadows (udevice_id, vendor_plat_id, attrs) select distinct udevice_id, 'V', '{}'::jsonb from status_reports`,
  );
  // One delivery per report and receiver; the status cycles through every state. created_at is the
  // report's received_at, except for a few rows written another way (a second later).
  await q(`insert into deliveries (id, report_id, plat_id, udevice_id, status, attempts, next_attempt_at, last_error,
                                   delivered_at, created_at, updated_at)
           select 'msg_' || p.plat_id || r.id, r.id, p.plat_id, r.udevice_id,
                  (array['pending', 'failed', 'delivered', 'dead'])[1 + r.id % 4], r.id % 3, r.received_at,
                  case when r.id % 4 in (1, 3) then 'boom' end,
                  case when r.id % 4 = 2 then r.received_at + interval '1 second' end,
                  r.received_at + case when r.id % 50 = 0 then interval '1 second' else interval '0' end,
                  r.received_at + interval '2 seconds'
             from status_reports r cross join (values ('A'), ('B')) p(plat_id)`);
  await q(`insert into delivery_attempts (delivery_id, attempt, started_at, duration_ms, http_status, ret_code, error)
           select id, 1, created_at, 12, 500, null, 'boom' from deliveries where attempts > 0`);
  await q(`insert into audit_log (actor, action, target, outcome, detail, at)
           select 'operator', 'platform.create', 'P' || g, 'ok', jsonb_build_object('g', g), now() - g * ${DAY}
             from generate_series(1, 50) g`);
}

/** Each table's rows as text (the columns 0005 had, in key order): equal before and after. */
const FINGERPRINTS: Record<string, string> = {
  status_reports:
    "select id, udevice_id, vendor_plat_id, data_type, device_status, reported_at, received_at, request_id from status_reports",
  deliveries:
    "select id, report_id, plat_id, udevice_id, status, attempts, next_attempt_at, enqueued_at, last_error, last_http_status, delivered_at, updated_at from deliveries",
  delivery_attempts:
    "select id, delivery_id, attempt, started_at, duration_ms, http_status, ret_code, error from delivery_attempts",
  audit_log: "select id, at, actor, action, target, outcome, detail from audit_log",
  device_shadows: "select udevice_id, vendor_plat_id, attrs from device_shadows",
};

async function expectDataMoved(
  oldSchema: DatabaseHandle,
  open: () => Promise<DatabaseHandle>,
): Promise<void> {
  await oldSchema.migrate();
  const before = await oldSchema.withConnection(async (q) => {
    await fillOldSchema(q);
    return fingerprints(q, FINGERPRINTS);
  });
  await oldSchema.close();
  expect(before.status_reports?.n).toBe(300);
  expect(before.deliveries?.n).toBe(600);

  const h = await open();
  try {
    await h.migrate();
    await h.withConnection(async (q) => {
      expect(await fingerprints(q, FINGERPRINTS)).toEqual(before);
      const [kind] = await q("select relkind from pg_class where relname = 'deliveries'");
      expect(kind?.relkind).toBe("p");
      // Open rows in deliveries_open, settled ones (by when they settled) in the legacy partition.
      const where = await q(`select tableoid::regclass::text as p, status, count(*)::int as n from deliveries
                              group by 1, 2 order by 1, 2`);
      expect(where).toEqual([
        { p: "deliveries_legacy", status: "dead", n: 150 },
        { p: "deliveries_legacy", status: "delivered", n: 150 },
        { p: "deliveries_open", status: "failed", n: 150 },
        { p: "deliveries_open", status: "pending", n: 150 },
      ]);
      // Every delivery's created_at is now its report's received_at (the claim's partition lookup).
      const [misaligned] =
        await q(`select count(*)::int as n from deliveries d join status_reports r on r.id = d.report_id
                                     where d.created_at <> r.received_at`);
      expect(misaligned?.n).toBe(0);
      const [reports] = await q("select count(*)::int as n from status_reports_legacy");
      expect(reports?.n).toBe(300);
      // Sequences carry on, defaults apply, and deleting a platform still cascades.
      const [next] =
        await q(`insert into status_reports (udevice_id, vendor_plat_id, data_type, device_status)
                              values ('D1', 'V', 'attr', '{}') returning id`);
      expect(Number(next?.id)).toBe(301);
      await q("delete from platforms where plat_id = 'A'");
      const [left] = await q("select count(*)::int as n from deliveries where plat_id = 'A'");
      expect(left?.n).toBe(0);
      const [attempts] = await q(
        "select count(*)::int as n from delivery_attempts where delivery_id like 'msg_A%'",
      );
      expect(attempts?.n).toBe(0);
    });
  } finally {
    await h.close();
  }
}

describeMigration("migration 0008 moves every row into the partitioned tables", 5, expectDataMoved);
