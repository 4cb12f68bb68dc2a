import { expect } from "vitest";
import { type DatabaseHandle, type RetentionPeriods, runRetention, type SessionQuery } from "../src/index.ts";

const DAY = 86_400_000;
export const PERIODS: RetentionPeriods = {
  reports: 30 * DAY,
  deliveries: 14 * DAY,
  audit: 400 * DAY,
  ops: DAY,
};
/** Creation runs at past clocks keep everything (they must not drop what an earlier one made). */
const KEEP_ALL: RetentionPeriods = {
  reports: 1e5 * DAY,
  deliveries: 1e5 * DAY,
  audit: 1e5 * DAY,
  ops: 1e5 * DAY,
};

const iso = (at: number) => `'${new Date(at).toISOString()}'::timestamptz`;

async function count(q: SessionQuery, from: string): Promise<number> {
  const [row] = await q(`select count(*)::int as n from ${from}`);
  return Number(row?.n);
}

async function partitionOf(q: SessionQuery, table: string, where: string): Promise<string | undefined> {
  const [row] = await q(`select tableoid::regclass::text as p from ${table} where ${where}`);
  return row?.p as string | undefined;
}

/**
 * A database with day partitions around `now` (made by runs at earlier clocks), and history in
 * them: what retention must drop, keep, and never touch. Returns the clock of the final run.
 */
export async function fillHistory(handle: DatabaseHandle, now: number): Promise<void> {
  for (const back of [500, 40, 10, 0]) {
    const run = await runRetention(handle, { retention: KEEP_ALL, now: now - back * DAY });
    expect(run.ran).toBe(true);
  }
  await handle.withConnection(async (q) => {
    const at = (days: number) => iso(now - days * DAY);
    await q(`insert into platforms (plat_id, name, app_id, secret_ciphertext, secret_key_id)
             values ('V', 'v', 'app-v', 'c', 'k'), ('A', 'a', 'app-a', 'c', 'k')`);
    // Reports: 40 and 39 days old (past 30 days), 10 days old, and 35 and 20 days old on days
    // that have no partition (the job "fell behind"): they land in DEFAULT, and an insert never fails.
    await q(`insert into status_reports (id, udevice_id, vendor_plat_id, data_type, device_status, received_at) values
             (1, 'D1', 'V', 'attr', '{"onOffStatus":"1"}', ${at(40)}), (2, 'D1', 'V', 'attr', '{}', ${at(39)}),
             (3, 'D1', 'V', 'attr', '{}', ${at(10)}), (4, 'D1', 'V', 'attr', '{}', ${at(35)}),
             (5, 'D1', 'V', 'attr', '{}', ${at(20)})`);
    await q(`insert into device_shadows (udevice_id, vendor_plat_id, attrs, last_report_at)
             values ('D1', 'V', '{"onOffStatus":"1"}', ${at(40)})`);
    // Deliveries: settled 40 days ago (past 14 days), settled 10 days ago, and one still open
    // since 39 days ago (a replayed dead one, say), whose report must stay for its next attempt;
    // and one open since 45 days ago whose report is gone (left by the race of an older version).
    await q(`insert into deliveries (id, report_id, plat_id, udevice_id, status, created_at, settled_at) values
             ('msg_old', 1, 'A', 'D1', 'delivered', ${at(40)}, ${at(40)}),
             ('msg_recent', 3, 'A', 'D1', 'dead', ${at(10)}, ${at(10)}),
             ('msg_open', 2, 'A', 'D1', 'failed', ${at(39)}, 'infinity'),
             ('msg_orphan', 99, 'A', 'D1', 'failed', ${at(45)}, 'infinity')`);
    await q(`insert into delivery_attempts (delivery_id, attempt, started_at, duration_ms) values
             ('msg_old', 1, ${at(40)}, 5), ('msg_recent', 1, ${at(10)}, 5)`);
    await q(`insert into audit_log (actor, action, outcome, at) values
             ('operator', 'old', 'ok', ${at(500)}), ('operator', 'kept', 'ok', ${at(40)})`);
    // Ops (a day's retention): one 10 days old, one from today; each with its device, same created_at.
    await q(`insert into ops (op_id, plat_id, user_id, created_at) values
             ('op_old', 'A', 'u1', ${at(10)}), ('op_new', 'A', 'u1', ${at(0)})`);
    await q(`insert into op_devices (op_id, udevice_id, vendor_plat_id, ord, attrs, created_at, deadline) values
             ('op_old', 'D1', 'V', 0, '{}', ${at(10)}, ${at(10)}), ('op_new', 'D1', 'V', 0, '{}', ${at(0)}, ${at(0)})`);
  });
}

/** Creation ahead, drops past retention, what stays, on either driver. */
export async function expectRetention(handle: DatabaseHandle): Promise<void> {
  await handle.migrate();
  const now = Date.now();
  await fillHistory(handle, now);
  await handle.withConnection(async (q) => {
    expect(await partitionOf(q, "status_reports", "id = 4")).toBe("status_reports_default");
    expect(await partitionOf(q, "deliveries", "id = 'msg_open'")).toBe("deliveries_open");
  });

  const dropped: string[] = [];
  const run = await runRetention(handle, {
    retention: PERIODS,
    now,
    onDropped: (_table, partition) => dropped.push(partition),
  });
  expect(run.ran).toBe(true);
  const day = (back: number) => new Date(now - back * DAY).toISOString().slice(0, 10).replaceAll("-", "");
  // Past retention: the days 40..37 (made by the run at −40 days) and, for the audit log, −500..−497.
  expect(run.dropped).toEqual(
    expect.arrayContaining([
      `status_reports_p${day(40)}`,
      `status_reports_p${day(37)}`,
      `deliveries_p${day(40)}`,
      `delivery_attempts_p${day(40)}`,
      `audit_log_p${day(500)}`,
      `ops_p${day(10)}`,
      `op_devices_p${day(10)}`,
    ]),
  );
  expect(dropped.sort()).toEqual([...run.dropped].sort());
  // The day whose report an open delivery still needs is kept (and said so).
  expect(run.kept).toEqual([`status_reports_p${day(39)}`]);
  // Inside retention, nothing goes: deliveries 10 days old, the audit log 40 days old.
  expect(run.dropped).not.toContain(`deliveries_p${day(10)}`);
  expect(run.dropped).not.toContain(`audit_log_p${day(40)}`);
  expect(run.dropped).not.toContain(`ops_p${day(0)}`);
  // The report 35 days old that DEFAULT caught is deleted there; the one 20 days old stays.
  expect(run.deletedFromDefault).toBe(1);
  // The open delivery without its report is settled dead, saying why; the one with its report stays open.
  expect(run.deadWithoutReport).toBe(1);

  await handle.withConnection(async (q) => {
    expect((await q("select id from status_reports order by id")).map((r) => Number(r.id))).toEqual([
      2, 3, 5,
    ]);
    expect((await q("select id from deliveries order by id")).map((r) => r.id)).toEqual([
      "msg_open",
      "msg_orphan",
      "msg_recent",
    ]);
    const [orphan] = await q("select status, settled_at, last_error from deliveries where id = 'msg_orphan'");
    expect(orphan?.status).toBe("dead");
    expect(String(orphan?.last_error)).toContain("HUB_RETENTION_REPORTS");
    const [open] = await q("select status from deliveries_open where id = 'msg_open'");
    expect(open?.status).toBe("failed");
    expect((await q("select delivery_id from delivery_attempts")).map((r) => r.delivery_id)).toEqual([
      "msg_recent",
    ]);
    expect((await q("select action from audit_log")).map((r) => r.action)).toEqual(["kept"]);
    expect((await q("select op_id from ops")).map((r) => r.op_id)).toEqual(["op_new"]);
    expect((await q("select op_id from op_devices")).map((r) => r.op_id)).toEqual(["op_new"]);
    // The shadow keeps what the dropped report said.
    const [shadow] = await q("select attrs from device_shadows where udevice_id = 'D1'");
    expect(shadow?.attrs).toEqual({ onOffStatus: "1" });
    // Today and three days ahead exist for every table.
    for (const table of [
      "status_reports",
      "deliveries",
      "delivery_attempts",
      "audit_log",
      "ops",
      "op_devices",
    ]) {
      for (const ahead of [0, 3]) {
        expect(await count(q, `pg_class where relname = '${table}_p${day(-ahead)}'`)).toBe(1);
      }
    }
  });
  // A second run finds nothing more to do.
  const again = await runRetention(handle, { retention: PERIODS, now });
  expect(again).toMatchObject({
    ran: true,
    created: [],
    dropped: [],
    deletedFromDefault: 0,
    deadWithoutReport: 0,
  });
}
