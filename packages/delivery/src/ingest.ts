import type { Database } from "@yunlian/db";
import { bindings, deliveries, deviceShadows, platforms, statusReports } from "@yunlian/db";
import { sql } from "drizzle-orm";
import { withJitter } from "./backoff.ts";
import { type NormalisedReport, parseOnLine, reportedAtOf } from "./report.ts";
import { type DeliveryNotifier, wakeDelivery } from "./wake.ts";

export interface IngestInput {
  db: Database;
  report: NormalisedReport;
  /** The reporting vendor platform (the hub already checked it owns the manufacturer code). */
  vendorPlatId: string;
  /** NOTIFY after commit so the relay/runner picks the new rows up at once (the DatabaseHandle fits). */
  notifier?: DeliveryNotifier;
  /** Delay before the first attempt (HUB_DELIVERY_BACKOFF's first entry); default 0. */
  firstDelayMs?: number;
  now?: Date;
  /** The inbound request's id, kept with the report and sent along with every delivery of it. */
  requestId?: string;
}

export interface IngestResult {
  reportId: number;
  deliveryIds: string[];
}

/**
 * Stores a status report: history row, device shadow, and one outbox row per subscribed platform,
 * all in one transaction. When this resolves the report is durable, whatever Redis is doing.
 */
export async function ingestReport(input: IngestInput): Promise<IngestResult> {
  const { db, report, vendorPlatId } = input;
  const now = input.now ?? new Date();
  const status = report.deviceStatus;
  const online =
    report.dataType === "onOffline" || report.dataType === "attr" ? parseOnLine(status.onLine) : undefined;
  const isAttr = report.dataType === "attr";
  const isAlarm = report.dataType === "alarm";

  const nextAttemptAt = new Date(now.getTime() + withJitter(input.firstDelayMs ?? 0));
  const idPrefix = `msg_${now.getTime().toString(36).padStart(10, "0")}`;
  const statusJson = JSON.stringify(status);
  // Dates go in as ISO text: raw parameters are not serialised alike by every driver.
  const at = now.toISOString();
  const reportedAt = reportedAtOf(report.timestamp)?.toISOString() ?? null;
  const firstAttemptAt = nextAttemptAt.toISOString();
  // One statement, so one round trip and one implicit transaction: history row, shadow upsert
  // and one outbox row per subscribed platform commit together or not at all. (Data-modifying
  // CTEs always run, whether or not the final SELECT reads them.) Delivery ids follow
  // newDeliveryId's shape: the time prefix from here, 16 random hex characters from Postgres.
  const query = sql`
    with report as (
      insert into ${statusReports} (udevice_id, vendor_plat_id, data_type, device_status, reported_at, received_at, request_id)
      values (${report.udeviceId}, ${vendorPlatId}, ${report.dataType}, ${statusJson}::jsonb,
              ${reportedAt}::timestamptz, ${at}::timestamptz, ${input.requestId ?? null})
      returning id
    ), shadow as (
      insert into ${deviceShadows} as s (udevice_id, vendor_plat_id, attrs, online, last_alarm, last_alarm_at, last_report_at)
      values (${report.udeviceId}, ${vendorPlatId}, ${isAttr ? statusJson : "{}"}::jsonb, ${online ?? null},
              ${isAlarm ? statusJson : null}::jsonb, ${isAlarm ? at : null}::timestamptz, ${at}::timestamptz)
      on conflict (udevice_id) do update set
        vendor_plat_id = excluded.vendor_plat_id,
        attrs = ${isAttr ? sql`s.attrs || excluded.attrs` : sql`s.attrs`},
        online = ${online === undefined ? sql`s.online` : sql`excluded.online`},
        last_alarm = ${isAlarm ? sql`excluded.last_alarm` : sql`s.last_alarm`},
        last_alarm_at = ${isAlarm ? sql`excluded.last_alarm_at` : sql`s.last_alarm_at`},
        last_report_at = excluded.last_report_at,
        updated_at = excluded.last_report_at
      returning 1
    ), subscribers as (
      select distinct b.plat_id
      from ${bindings} b join ${platforms} p on p.plat_id = b.plat_id
      where b.udevice_id = ${report.udeviceId}
        and p.data_gateway_url is not null and p.data_gateway_disabled_at is null
    ), outbox as (
      insert into ${deliveries} (id, report_id, plat_id, udevice_id, next_attempt_at, created_at, updated_at)
      select ${idPrefix} || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16),
             (select id from report), subscribers.plat_id, ${report.udeviceId}, ${firstAttemptAt}::timestamptz,
             ${at}::timestamptz, ${at}::timestamptz
      from subscribers
      returning id
    )
    select (select id from report) as report_id,
           coalesce((select array_agg(id) from outbox), '{}'::text[]) as delivery_ids,
           (select count(*) from shadow) as shadows`;
  const raw = await db.execute(query);
  const rows = (Array.isArray(raw) ? raw : (raw as { rows: unknown[] }).rows) as {
    report_id: number | string;
    delivery_ids: string[] | string;
  }[];
  const first = rows[0];
  if (!first) throw new Error("ingestReport: the ingest statement returned no row");
  const result = { reportId: Number(first.report_id), deliveryIds: textArray(first.delivery_ids) };

  if (result.deliveryIds.length > 0) await wakeDelivery(input.notifier);
  return result;
}

/** Drivers differ: postgres.js parses text[] into an array, PGlite may hand back the literal. */
function textArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",").map((v) => v.replace(/^"|"$/g, ""));
}
