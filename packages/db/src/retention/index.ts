export { RETENTION_LOCK_KEY, type RetentionLogger, type RetentionOptions, type RetentionPeriods, type RetentionRun, runRetention } from "./run.ts";
export { startRetention, type RetentionSchedule, type RetentionScheduleOptions } from "./schedule.ts";
