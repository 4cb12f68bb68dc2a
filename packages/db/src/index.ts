import * as schema from "./schema/index.ts";

export { resolveDataDir } from "./data-dir.ts";
export { migrationsFolder } from "./migrations-folder.ts";
export { openDatabase } from "./open.ts";
export {
  RETENTION_LOCK_KEY,
  type RetentionLogger,
  type RetentionOptions,
  type RetentionPeriods,
  type RetentionRun,
  type RetentionSchedule,
  type RetentionScheduleOptions,
  runRetention,
  startRetention,
} from "./retention/index.ts";
export * from "./schema/index.ts";
export {
  adapterConfigPlace,
  type PlatformSecretColumn,
  platformSecretPlace,
  vendorSessionPlace,
} from "./secret-places.ts";
export type { Database, DatabaseHandle, OpenDatabaseOptions, SessionQuery, Transaction } from "./types.ts";
export { schema };
