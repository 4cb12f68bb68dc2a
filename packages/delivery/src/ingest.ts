import type { Database } from "@yunlian/db";
import { bindings, deliveries, deviceShadows, platforms, statusReports } from "@yunlian/db";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { withJitter } from "./backoff.ts";
import { newDeliveryId } from "./ids.ts";
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

  const result = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(statusReports)
      .values({
        udeviceId: report.udeviceId,
        vendorPlatId,
        dataType: report.dataType,
        deviceStatus: status,
        reportedAt: reportedAtOf(report.timestamp),
        receivedAt: now,
        requestId: input.requestId ?? null,
      })
      .returning({ id: statusReports.id });
    if (!row) throw new Error("ingestReport: insert into status_reports returned no row");

    await tx
      .insert(deviceShadows)
      .values({
        udeviceId: report.udeviceId,
        vendorPlatId,
        attrs: isAttr ? status : {},
        online: online ?? null,
        lastAlarm: isAlarm ? status : null,
        lastAlarmAt: isAlarm ? now : null,
        lastReportAt: now,
      })
      .onConflictDoUpdate({
        target: deviceShadows.udeviceId,
        set: {
          vendorPlatId,
          // jsonb || merges: the latest value of each attribute wins, others are kept.
          attrs: isAttr ? sql`${deviceShadows.attrs} || excluded.attrs` : sql`${deviceShadows.attrs}`,
          online: online === undefined ? sql`${deviceShadows.online}` : online,
          lastAlarm: isAlarm ? sql`excluded.last_alarm` : sql`${deviceShadows.lastAlarm}`,
          lastAlarmAt: isAlarm ? now : sql`${deviceShadows.lastAlarmAt}`,
          lastReportAt: now,
          updatedAt: now,
        },
      });

    const subscribers = await tx
      .selectDistinct({ platId: bindings.platId })
      .from(bindings)
      .innerJoin(platforms, eq(platforms.platId, bindings.platId))
      .where(
        and(
          eq(bindings.udeviceId, report.udeviceId),
          isNotNull(platforms.dataGatewayUrl),
          isNull(platforms.dataGatewayDisabledAt),
        ),
      );
    const nextAttemptAt = new Date(now.getTime() + withJitter(input.firstDelayMs ?? 0));
    const rows = subscribers.map((s) => ({
      id: newDeliveryId(now.getTime()),
      reportId: row.id,
      platId: s.platId,
      udeviceId: report.udeviceId,
      nextAttemptAt,
      createdAt: now,
      updatedAt: now,
    }));
    if (rows.length > 0) await tx.insert(deliveries).values(rows);
    return { reportId: row.id, deliveryIds: rows.map((r) => r.id) };
  });

  if (result.deliveryIds.length > 0) await wakeDelivery(input.notifier);
  return result;
}
