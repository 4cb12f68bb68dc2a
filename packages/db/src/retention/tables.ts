/** Which retention setting a partitioned table's day partitions follow. */
export type RetentionClass = "reports" | "deliveries" | "audit" | "ops";

export interface PartitionedTable {
  table: string;
  /** The partition key: a timestamptz, partitioned by range, one partition per UTC day. */
  column: string;
  retention: RetentionClass;
}

/**
 * The tables migrations 0008 and 0014 partitioned. deliveries is partitioned by settled_at, which is
 * 'infinity' for an open row (all of them in deliveries_open, never dropped), so only settled
 * deliveries ever reach a day partition. An attempt starts before its delivery settles, so
 * dropping attempts by the same cutoff never leaves a kept settled delivery without its attempts.
 */
export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: "status_reports", column: "received_at", retention: "reports" },
  { table: "deliveries", column: "settled_at", retention: "deliveries" },
  { table: "delivery_attempts", column: "started_at", retention: "deliveries" },
  { table: "audit_log", column: "at", retention: "audit" },
  // Migration 0014: an op and its devices share created_at, so their partitions go together.
  { table: "ops", column: "created_at", retention: "ops" },
  { table: "op_devices", column: "created_at", retention: "ops" },
];
