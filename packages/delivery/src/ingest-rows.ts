import { bindings, deliveries, deviceShadows, platforms, statusReports } from "@yunlian/db";
import { sql } from "drizzle-orm";
import type { PlatformDeliveryColumns } from "./prepared.ts";
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
  /** null for a vendor's push; "reconcile" for a state the reconciler polled (status_reports.source). */
  source: string | null;
  /** The shadow's new values: attrs to merge ({} unless attr), online (null = unknown), last alarm. */
  attrs: Record<string, string>;
  online: boolean | null;
  last_alarm: Record<string, string> | null;
  last_alarm_at: string | null;
  id_prefix: string;
  first_attempt_at: string;
}

/**
 * The reporting platform was deleted while its report was being written (the statement found no
 * platform to lock): nothing of the report was stored. The caller's credentials are gone with it.
 */
export class ReportingPlatformGone extends Error {
  constructor(readonly platId: string) {
    super(`report not stored: platform ${platId} no longer exists`);
    this.name = "ReportingPlatformGone";
  }
}

/** One outbox row the batch wrote, with its platform's delivery columns (for a hand-off to the queue). */
export interface WrittenDelivery extends PlatformDeliveryColumns {
  id: string;
}

export interface RowResult {
  reportId: number;
  deliveries: WrittenDelivery[];
}

/**
 * Writes many reports in one statement (its own implicit transaction: one round trip, one commit),
 * with the same effect as one single-report statement each, in order. History and outbox rows are
 * one per report. The shadow gets one write per device, which folds that device's reports in
 * arrival order (`ord`): attrs merged key by key with the later report winning
 * (`jsonb_object_agg … order by ord`, as `attrs || excluded.attrs` one by one would), and for
 * online / last alarm the latest report that says something (null means "this report does not
 * say"). Shadow rows are written in device order, so concurrent writers take their locks in one
 * order. Report ids are drawn from the table's sequence up front, so each outbox row points at its
 * own report even when a device reported twice. The answer has one row per outbox row (one with
 * no delivery for a report nobody subscribes to), carrying what its first attempt needs from the
 * platform, so the ingesting process can queue it without reading it back.
 */
export async function ingestRows(run: RunSql, rows: readonly IngestRow[]): Promise<RowResult[]> {
  const answer = (await run(batchStatement(rows))) as ({
    ord: number | string;
    report_id: number | string;
    id: string | null;
  } & PlatformDeliveryColumns)[];
  const results: (RowResult | undefined)[] = new Array(rows.length);
  for (const a of answer) {
    const ord = Number(a.ord);
    let r = results[ord];
    if (!r) {
      r = { reportId: Number(a.report_id), deliveries: [] };
      results[ord] = r;
    }
    // The answer row itself: it has every column a WrittenDelivery needs (and two it ignores).
    if (a.id !== null) r.deliveries.push(a as WrittenDelivery);
  }
  // Not results.map: it skips the holes, which are exactly the reports to complain about.
  return rows.map((row, i) => {
    const r = results[i];
    if (!r) throw new ReportingPlatformGone(row.vendor_plat_id);
    return r;
  });
}

function batchStatement(rows: readonly IngestRow[]) {
  // One jsonb parameter: the statement text (hence its prepared plan) is the same for any batch.
  return sql`
    with input as (
      -- The bigserial's own sequence, named: pg_get_serial_sequence() looked it up again per row.
      select i.*, nextval('status_reports_id_seq'::regclass) as report_id
      from jsonb_to_recordset(${JSON.stringify(rows.map((r, ord) => ({ ...r, ord })))}::jsonb) as i(
        udevice_id text, vendor_plat_id text, data_type text, device_status jsonb, reported_at timestamptz,
        received_at timestamptz, request_id text, source text, attrs jsonb, online boolean, last_alarm jsonb,
        last_alarm_at timestamptz, id_prefix text, first_attempt_at timestamptz, ord int)
    ), locked as (
      -- Every platform this batch writes rows for (reporting vendors, receivers), key-share locked
      -- once per batch as a foreign key check would lock it per row (migrations/0003): a deletion
      -- in flight makes this wait and, once committed, leaves its platform out; a deletion that
      -- comes later waits for this commit, and its cascade then finds these rows.
      select p.plat_id, p.data_gateway_url, p.data_gateway_disabled_at, p.webhook_secret_ciphertext,
             p.webhook_secret_key_id, p.previous_webhook_secret_ciphertext, p.previous_webhook_secret_key_id,
             p.previous_webhook_secret_expires_at, p.sandbox
      from ${platforms} p
      where p.plat_id in (select vendor_plat_id from input
                          union select b.plat_id from ${bindings} b where b.udevice_id in (select udevice_id from input))
      for key share of p
    ), accepted as (
      -- Reports of a vendor deleted meanwhile are not stored (the caller is told).
      select i.* from input i where i.vendor_plat_id in (select plat_id from locked)
    ), report as (
      insert into ${statusReports} (id, udevice_id, vendor_plat_id, data_type, device_status, reported_at, received_at, request_id, source)
      select report_id, udevice_id, vendor_plat_id, data_type, device_status, reported_at, received_at, request_id, source
      from accepted order by ord
    ), device as (
      select i.udevice_id,
             (array_agg(i.vendor_plat_id order by i.ord desc))[1] as vendor_plat_id,
             coalesce((select jsonb_object_agg(e.key, e.value order by j.ord)
                         from accepted j cross join lateral jsonb_each(j.attrs) e
                        where j.udevice_id = i.udevice_id), '{}'::jsonb) as attrs,
             (array_agg(i.online order by i.ord desc) filter (where i.online is not null))[1] as online,
             (array_agg(i.last_alarm order by i.ord desc) filter (where i.last_alarm is not null))[1] as last_alarm,
             (array_agg(i.last_alarm_at order by i.ord desc) filter (where i.last_alarm_at is not null))[1] as last_alarm_at,
             (array_agg(i.received_at order by i.ord desc))[1] as last_report_at
      from accepted i
      group by i.udevice_id
    ), shadow as (
      insert into ${deviceShadows} as s (udevice_id, vendor_plat_id, attrs, online, last_alarm, last_alarm_at, last_report_at)
      select udevice_id, vendor_plat_id, attrs, online, last_alarm, last_alarm_at, last_report_at
      from device order by udevice_id
      on conflict (udevice_id) do update set
        vendor_plat_id = excluded.vendor_plat_id,
        attrs = s.attrs || excluded.attrs,
        online = coalesce(excluded.online, s.online),
        last_alarm = coalesce(excluded.last_alarm, s.last_alarm),
        last_alarm_at = coalesce(excluded.last_alarm_at, s.last_alarm_at),
        last_report_at = excluded.last_report_at,
        updated_at = excluded.last_report_at
    ), target as (
      -- One row per (report × subscribed platform), its id drawn once here (a CTE is evaluated
      -- once), with the platform's delivery columns for the answer.
      select i.ord, i.report_id, i.udevice_id, i.first_attempt_at, i.received_at,
             i.id_prefix || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16) as id, sub.*
      from accepted i
      cross join lateral (
        select distinct b.plat_id, l.data_gateway_url, l.webhook_secret_ciphertext, l.webhook_secret_key_id,
               l.previous_webhook_secret_ciphertext, l.previous_webhook_secret_key_id,
               l.previous_webhook_secret_expires_at, l.sandbox
        from ${bindings} b join locked l on l.plat_id = b.plat_id
        where b.udevice_id = i.udevice_id
          and l.data_gateway_url is not null and l.data_gateway_disabled_at is null
          -- A sandbox vendor's reports reach sandbox receivers only, a production vendor's production
          -- ones only (docs/design.md §7 "Sandbox"), whatever bindings exist.
          and l.sandbox = (select v.sandbox from locked v where v.plat_id = i.vendor_plat_id)
      ) sub
    ), outbox as (
      insert into ${deliveries} (id, report_id, plat_id, udevice_id, next_attempt_at, created_at, updated_at)
      select id, report_id, plat_id, udevice_id, first_attempt_at, received_at, received_at
      from target
    )
    -- The data-modifying CTEs run to completion whether or not this reads them.
    select i.ord, i.report_id, t.id, t.plat_id, t.data_gateway_url, t.webhook_secret_ciphertext,
           t.webhook_secret_key_id, t.previous_webhook_secret_ciphertext, t.previous_webhook_secret_key_id,
           t.previous_webhook_secret_expires_at, t.sandbox
    from accepted i left join target t on t.ord = i.ord`;
}
