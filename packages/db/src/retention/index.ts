export {
  RETENTION_LOCK_KEY,
  type RetentionLogger,
  type RetentionOptions,
  type RetentionPeriods,
  type RetentionRun,
  runRetention,
} from "./run.ts";
export { type RetentionSchedule, type RetentionScheduleOptions, startRetention } from "./schedule.ts";
