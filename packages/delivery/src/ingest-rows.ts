import { bindings, deliveries, deviceShadows, platforms, statusReports } from "@yunlian/db";
import { sql } from "drizzle-orm";
import type { RunSql } from "./sql-exec.ts";

/** One report's values, as the multi-row ingest statement reads them (JSON field names = columns). */
export interface IngestRow {
  udevice_id: string;
  vendor_plat_id: string;
  data_type: string;
  device_status: Record<string, string>;
  reported_at: string | null;
  received_at: string;
  request_id: string | null;
  /** The shadow's new values: attrs to merge ({} unless attr), online (null = unknown), last alarm. */
  attrs: Record<string, string>;
  online: boolean | null;
  last_alarm: Record<string, string> | null;
  last_alarm_at: string | null;
  id_prefix: string;
  first_attempt_at: string;
}

export interface RowResult {
  reportId: number;
  deliveryIds: string[];
}

/**
 * Writes many reports in one statement, with the same effect as one single-report statement each,
 * in order. Rows are split into rounds in which every device appears once (a device's k-th report
 * goes in round k), so each round's shadow upsert touches a row once; rounds run one after the
 * other, so one device's reports are merged in arrival order. The upsert's SET is written so it
 * is right for every data type: `attrs || excluded.attrs` with {} for non-attr reports, and
 * `coalesce(excluded.x, s.x)` where null means "this report does not say".
 */
export async function ingestRows(run: RunSql, rows: readonly IngestRow[]): Promise<RowResult[]> {
  const results: RowResult[] = new Array(rows.length);
  const seen = new Map<string, number>();
  const rounds: number[][] = [];
  rows.forEach((row, i) => {
    const k = seen.get(row.udevice_id) ?? 0;
    seen.set(row.udevice_id, k + 1);
    const round = rounds[k];
    if (round) round.push(i);
    else rounds[k] = [i];
  });
  for (const round of rounds) {
    // Sorted by device: concurrent writers take shadow row locks in one order.
    round.sort((a, b) => ((rows[a]?.udevice_id ?? "") < (rows[b]?.udevice_id ?? "") ? -1 : 1));
    const answer = (await run(roundStatement(round.map((i) => rows[i])))) as {
      udevice_id: string;
      report_id: number | string;
      delivery_ids: string[] | string;
    }[];
    const byDevice = new Map(answer.map((a) => [a.udevice_id, a]));
    for (const i of round) {
      const a = byDevice.get(rows[i]?.udevice_id ?? "");
      if (!a) throw new Error("ingestReport: the batch statement returned no row for a report");
      results[i] = { reportId: Number(a.report_id), deliveryIds: textArray(a.delivery_ids) };
    }
  }
  return results;
}

/** Whether every device appears once, so the rows are written by a single statement. */
export function singleRound(rows: readonly IngestRow[]): boolean {
  return new Set(rows.map((r) => r.udevice_id)).size === rows.length;
}

function roundStatement(rows: (IngestRow | undefined)[]) {
  // One jsonb parameter: the statement text (hence its prepared plan) is the same for any batch.
  return sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows.map((r, ord) => ({ ...r, ord })))}::jsonb) as i(
        udevice_id text, vendor_plat_id text, data_type text, device_status jsonb, reported_at timestamptz,
        received_at timestamptz, request_id text, attrs jsonb, online boolean, last_alarm jsonb,
        last_alarm_at timestamptz, id_prefix text, first_attempt_at timestamptz, ord int)
    ), report as (
      insert into ${statusReports} (udevice_id, vendor_plat_id, data_type, device_status, reported_at, received_at, request_id)
      select udevice_id, vendor_plat_id, data_type, device_status, reported_at, received_at, request_id
      from input order by ord
      returning id, udevice_id
    ), shadow as (
      insert into ${deviceShadows} as s (udevice_id, vendor_plat_id, attrs, online, last_alarm, last_alarm_at, last_report_at)
      select udevice_id, vendor_plat_id, attrs, online, last_alarm, last_alarm_at, received_at
      from input order by ord
      on conflict (udevice_id) do update set
        vendor_plat_id = excluded.vendor_plat_id,
        attrs = s.attrs || excluded.attrs,
        online = coalesce(excluded.online, s.online),
        last_alarm = coalesce(excluded.last_alarm, s.last_alarm),
        last_alarm_at = coalesce(excluded.last_alarm_at, s.last_alarm_at),
        last_report_at = excluded.last_report_at,
        updated_at = excluded.last_report_at
      returning 1
    ), outbox as (
      insert into ${deliveries} (id, report_id, plat_id, udevice_id, next_attempt_at, created_at, updated_at)
      select i.id_prefix || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16), r.id, sub.plat_id,
             i.udevice_id, i.first_attempt_at, i.received_at, i.received_at
      from input i
      join report r on r.udevice_id = i.udevice_id
      cross join lateral (
        select distinct b.plat_id
        from ${bindings} b join ${platforms} p on p.plat_id = b.plat_id
        where b.udevice_id = i.udevice_id
          and p.data_gateway_url is not null and p.data_gateway_disabled_at is null
      ) sub
      returning id, udevice_id
    )
    select r.udevice_id, r.id as report_id,
           coalesce((select array_agg(o.id) from outbox o where o.udevice_id = r.udevice_id), '{}'::text[]) as delivery_ids,
           (select count(*) from shadow) as shadows
    from report r`;
}

/** Drivers differ: postgres.js parses text[] into an array, PGlite may hand back the literal. */
export function textArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",").map((v) => v.replace(/^"|"$/g, ""));
}
