import { z } from "zod";
import { duration } from "./fields.ts";

/**
 * How long history is kept (docs/operations.md, docs/adr/0009): status reports, settled
 * deliveries with their attempts, the audit log and op records go by whole partitions (a day each unless
 * HUB_PARTITION_INTERVAL says otherwise) once past it.
 * The device shadow and open deliveries are never dropped.
 */
export const retentionEnv = {
  HUB_RETENTION_REPORTS: duration.prefault("30d"),
  /** Settled (delivered or dead) deliveries and the attempts made for them. */
  HUB_RETENTION_DELIVERIES: duration.prefault("14d"),
  HUB_RETENTION_AUDIT: duration.prefault("400d"),
  /** devices/op records: GET /v1/ops answers for this long, then their partitions are dropped. */
  HUB_RETENTION_OPS: duration.prefault("24h"),
  /** How often a process runs the partition job (creating partitions ahead, dropping expired ones). */
  HUB_RETENTION_INTERVAL: duration.prefault("1h"),
  /**
   * The time one partition spans: a UTC day by default; shorter (`5m`, `1h`) for a soak run that
   * must see partitions dropped within minutes. Whole minutes dividing a day, or whole days.
   */
  HUB_PARTITION_INTERVAL: duration
    .refine(
      (ms) => ms >= MINUTE_MS && ms % MINUTE_MS === 0 && (DAY_MS % ms === 0 || ms % DAY_MS === 0),
      "must be whole minutes that divide a day (5m, 15m, 1h, 6h, 1d) or whole days (7d)",
    )
    .prefault("1d"),
};

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const retentionSchema = z.object(retentionEnv);
type RetentionEnv = z.output<typeof retentionSchema>;

/** The database package's retention options, from parsed variables. */
export function retentionSettings(e: RetentionEnv) {
  return {
    retention: {
      reports: e.HUB_RETENTION_REPORTS,
      deliveries: e.HUB_RETENTION_DELIVERIES,
      audit: e.HUB_RETENTION_AUDIT,
      ops: e.HUB_RETENTION_OPS,
    },
    intervalMs: e.HUB_RETENTION_INTERVAL,
    partitionMs: e.HUB_PARTITION_INTERVAL,
  };
}

export type RetentionSettings = ReturnType<typeof retentionSettings>;
