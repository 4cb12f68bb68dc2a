import { z } from "zod";
import { duration } from "./fields.ts";

/**
 * How long history is kept (docs/operations.md, docs/adr/0009): status reports, settled
 * deliveries with their attempts, and the audit log go by whole day partitions once past it.
 * The device shadow and open deliveries are never dropped.
 */
export const retentionEnv = {
  HUB_RETENTION_REPORTS: duration.prefault("30d"),
  /** Settled (delivered or dead) deliveries and the attempts made for them. */
  HUB_RETENTION_DELIVERIES: duration.prefault("14d"),
  HUB_RETENTION_AUDIT: duration.prefault("400d"),
  /** How often a process runs the partition job (creating days ahead, dropping expired ones). */
  HUB_RETENTION_INTERVAL: duration.prefault("1h"),
};

const retentionSchema = z.object(retentionEnv);
type RetentionEnv = z.output<typeof retentionSchema>;

/** The database package's retention options, from parsed variables. */
export function retentionSettings(e: RetentionEnv) {
  return {
    retention: {
      reports: e.HUB_RETENTION_REPORTS,
      deliveries: e.HUB_RETENTION_DELIVERIES,
      audit: e.HUB_RETENTION_AUDIT,
    },
    intervalMs: e.HUB_RETENTION_INTERVAL,
  };
}

export type RetentionSettings = ReturnType<typeof retentionSettings>;
