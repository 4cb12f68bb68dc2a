import type { Database } from "@yunlian/db";
import { deliveries, deliveryIsOpen, platforms, statusReports } from "@yunlian/db";
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { newDeliveryId } from "./ids.ts";
import { retryAfterPartitionMove } from "./sql-exec.ts";
import { type DeliveryNotifier, idsPayloads, wakeDelivery } from "./wake.ts";

export interface NoticeInput {
  db: Database;
  /** The device the notice is about: the body's DeviceID. */
  udeviceId: string;
  /** The device's vendor, kept on the history row like a report's (deleting it deletes the row). */
  vendorPlatId: string;
  /** The body's DataType: one of the hub's own, never a standard one (attr, alarm, onOffline). */
  dataType: string;
  deviceStatus: Record<string, string>;
  /** The platforms told; one without a dataGatewayUrl (or with it disabled) is left out. */
  platIds: readonly string[];
  notifier?: DeliveryNotifier;
  /** Delay before the first attempt (HUB_DELIVERY_BACKOFF's first entry); default 0. */
  firstDelayMs?: number;
  now?: Date;
}

/**
 * A notice the hub itself sends to platforms (not a vendor's report): written like a report — a
 * history row and one outbox row per receiving platform, in one transaction — so it is signed,
 * retried, dead-lettered and replayed like one. The body is the dataGateway body with the
 * notice's own DataType. Returns the delivery ids.
 */
export async function enqueueNotice(input: NoticeInput): Promise<string[]> {
  const now = input.now ?? new Date();
  const firstAttemptAt = new Date(now.getTime() + (input.firstDelayMs ?? 0));
  const ids = await input.db.transaction(async (tx) => {
    const receivers =
      input.platIds.length === 0
        ? []
        : await tx
            .select({ platId: platforms.platId })
            .from(platforms)
            .where(
              and(
                inArray(platforms.platId, [...new Set(input.platIds)]),
                isNotNull(platforms.dataGatewayUrl),
                isNull(platforms.dataGatewayDisabledAt),
              ),
            );
    const [report] = await tx
      .insert(statusReports)
      .values({
        udeviceId: input.udeviceId,
        vendorPlatId: input.vendorPlatId,
        // The history column is typed for the standard's three; a notice keeps its own DataType.
        dataType: input.dataType as (typeof statusReports.$inferInsert)["dataType"],
        deviceStatus: input.deviceStatus,
        reportedAt: now,
        receivedAt: now,
      })
      .returning({ id: statusReports.id });
    if (!report || receivers.length === 0) return [];
    const rows = receivers.map((r) => ({
      id: newDeliveryId(now.getTime()),
      reportId: report.id,
      platId: r.platId,
      udeviceId: input.udeviceId,
      nextAttemptAt: firstAttemptAt,
      createdAt: now,
      updatedAt: now,
    }));
    await tx.insert(deliveries).values(rows);
    return rows.map((r) => r.id);
  });
  for (const payload of idsPayloads(ids)) await wakeDelivery(input.notifier, payload);
  return ids;
}

/**
 * Ends the open deliveries (pending or failed) of one device's reports to one platform: they become
 * `dead` with `error` as their last error, so no retry reaches a platform that lost the device (a
 * revoked grant). An operator may still replay one on purpose. Returns how many were ended.
 */
export async function endOpenDeliveries(
  db: Database,
  input: { platId: string; udeviceId: string; error: string; now?: Date },
): Promise<number> {
  const now = input.now ?? new Date();
  const ended = await retryAfterPartitionMove(() =>
    db
      .update(deliveries)
      // Settled: the rows move to the partition of today's settled deliveries.
      .set({ status: "dead", lastError: input.error, updatedAt: now, settledAt: now })
      .where(
        and(deliveryIsOpen, eq(deliveries.platId, input.platId), eq(deliveries.udeviceId, input.udeviceId)),
      )
      .returning({ id: deliveries.id }),
  );
  return ended.length;
}
