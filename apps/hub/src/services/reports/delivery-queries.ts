import { DELIVERY_STATUSES } from "@yunlian/db";
import { z } from "zod";

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Query string of GET /admin/v1/deliveries (also the self-service list, minus platId). */
export const deliveryListQuery = z.strictObject({
  platId: z.string().min(1).max(64).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  device: z.string().min(1).max(77).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

/** Body of POST /admin/v1/deliveries/replay: every failed/dead delivery of one platform since a time. */
export const bulkReplayInput = z.strictObject({
  platId: z.string().min(1).max(64),
  since: isoDate,
  until: isoDate.optional(),
});

/** A delivery row as the admin API shows it. */
export function deliveryView(d: {
  id: string;
  reportId: number;
  platId: string;
  udeviceId: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  lastHttpStatus: number | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}) {
  return {
    id: d.id,
    reportId: d.reportId,
    platId: d.platId,
    udeviceId: d.udeviceId,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" || d.status === "failed" ? d.nextAttemptAt.toISOString() : null,
    lastError: d.lastError,
    lastHttpStatus: d.lastHttpStatus,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
