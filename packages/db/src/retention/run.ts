import type { DatabaseHandle, SessionQuery } from "../types.ts";
import {
  DAY_MS,
  ident,
  listPartitions,
  literal,
  type Partition,
  partitionName,
  startOfInterval,
  timestampLiteral,
  uncovered,
  validPartitionInterval,
} from "./partitions.ts";
import { PARTITIONED_TABLES, type PartitionedTable, type RetentionClass } from "./tables.ts";

/** How long each class of history is kept, in ms (HUB_RETENTION_REPORTS, _DELIVERIES, _AUDIT). */
export type RetentionPeriods = Record<RetentionClass, number>;

export interface RetentionOptions {
  retention: RetentionPeriods;
  /**
   * The span of one partition in ms (HUB_PARTITION_INTERVAL; default one UTC day). Shorter ones
   * (`5m`) let a soak run see partitions dropped; whole minutes dividing a day, or whole days.
   */
  partitionMs?: number;
  /** Partitions made ahead of the current one (default 3): the job may miss that many intervals safely. */
  partitionsAhead?: number;
  /** The clock (tests move it); default Date.now(). */
  now?: number;
  log?: RetentionLogger;
  /** Told of each partition dropped (the deployable counts them: yunlian_retention_partitions_dropped_total). */
  onDropped?: (table: string, partition: string) => void;
}

/** The slice of pino this job uses. */
export interface RetentionLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface RetentionRun {
  /** False when another process (or run) held the job's advisory lock: this one did nothing. */
  ran: boolean;
  created: string[];
  dropped: string[];
  /** Partitions past retention kept because open deliveries still need their reports. */
  kept: string[];
  /** Rows past retention deleted from DEFAULT partitions (only there when the job fell behind). */
  deletedFromDefault: number;
  /**
   * Open deliveries whose report was gone, settled dead: they could never be sent. Only rows left
   * by earlier versions, which dropped a report a replay had just reopened (see dropReportsUnlessNeeded).
   */
  deadWithoutReport: number;
}

/**
 * Session-level advisory lock key of the retention job: one run at a time over all hub and
 * worker processes on the database. Arbitrary but fixed (the migration lock is …001).
 */
export const RETENTION_LOCK_KEY = 7_372_617_002;

/** A DDL statement waits this long for its lock, then gives up until the next run. */
const LOCK_TIMEOUT = "5s";

const runningIn = new WeakSet<DatabaseHandle>();

const silent: RetentionLogger = { info() {}, warn() {} };

/**
 * One pass of partition upkeep: creates the partition of the current interval (a day by default)
 * and `partitionsAhead` after it where missing, then drops every partition wholly past its table's retention — one DROP TABLE
 * each — and deletes the rows past retention that a DEFAULT partition caught. On one connection
 * holding RETENTION_LOCK_KEY (a process-local guard too: PGlite is one session, where an advisory
 * lock is taken again by anyone); a run that cannot take it does nothing and says so.
 */
export async function runRetention(handle: DatabaseHandle, opts: RetentionOptions): Promise<RetentionRun> {
  const result: RetentionRun = {
    ran: false,
    created: [],
    dropped: [],
    kept: [],
    deletedFromDefault: 0,
    deadWithoutReport: 0,
  };
  const partitionMs = opts.partitionMs ?? DAY_MS;
  if (!validPartitionInterval(partitionMs))
    throw new Error(
      `retention: partition interval ${partitionMs} ms is not whole minutes dividing a day, or whole days`,
    );
  if (runningIn.has(handle)) return result;
  runningIn.add(handle);
  try {
    return await handle.withConnection(async (query) => {
      const [lock] = await query(`select pg_try_advisory_lock(${RETENTION_LOCK_KEY}) as ok`);
      if (lock?.ok !== true) return result;
      result.ran = true;
      try {
        await query(`set lock_timeout = ${literal(LOCK_TIMEOUT)}`);
        const job = {
          query,
          opts: { ...opts, now: opts.now ?? Date.now(), log: opts.log ?? silent, partitionMs },
          result,
        };
        for (const spec of PARTITIONED_TABLES) await upkeep(job, spec);
        await settleOrphans(job);
        return result;
      } finally {
        await query("reset lock_timeout");
        await query(`select pg_advisory_unlock(${RETENTION_LOCK_KEY})`);
      }
    });
  } finally {
    runningIn.delete(handle);
  }
}

interface Job {
  query: SessionQuery;
  opts: RetentionOptions & { now: number; log: RetentionLogger; partitionMs: number };
  result: RetentionRun;
}

async function upkeep(job: Job, spec: PartitionedTable): Promise<void> {
  const partitions = await listPartitions(job.query, spec.table);
  const step = job.opts.partitionMs;
  const current = startOfInterval(job.opts.now, step);
  for (let d = 0; d <= (job.opts.partitionsAhead ?? 3); d++) {
    const from = current + d * step;
    for (const [gapFrom, gapTo] of uncovered(from, from + step, partitions))
      await createPartition(job, spec, gapFrom, gapTo);
  }
  const cutoff = job.opts.now - job.opts.retention[spec.retention];
  for (const p of partitions) {
    if (p.isDefault || p.to > cutoff) continue;
    if (spec.table !== "status_reports") await job.query(`drop table ${ident(p.name)}`);
    else if (!(await dropReportsUnlessNeeded(job, p))) {
      job.result.kept.push(p.name);
      job.opts.log.warn(
        { table: spec.table, partition: p.name },
        "retention: partition past retention kept, open deliveries still carry its reports",
      );
      continue;
    }
    job.result.dropped.push(p.name);
    job.opts.onDropped?.(spec.table, p.name);
    job.opts.log.info(
      { table: spec.table, partition: p.name, until: new Date(p.to).toISOString() },
      "retention: partition dropped",
    );
  }
  await expireDefault(
    job,
    spec,
    cutoff,
    partitions.find((p) => p.isDefault),
  );
}

/**
 * A new partition (a day, or one partition interval): created on its own and then attached, which takes a SHARE UPDATE
 * EXCLUSIVE lock on the table (inserts go on) where CREATE TABLE … PARTITION OF would take an
 * ACCESS EXCLUSIVE one. It takes its storage parameters (autovacuum) from the table's DEFAULT
 * partition, where migration 0008 set them. Attaching scans the DEFAULT partition for rows of
 * that day: if the job fell behind and it holds some, the day is left to DEFAULT (said in the log).
 */
async function createPartition(job: Job, spec: PartitionedTable, from: number, to: number): Promise<void> {
  const name = partitionName(spec.table, from, to);
  const [opts] = await job.query(
    `select array_to_string(reloptions, ', ') as opts from pg_class where oid = ${literal(`${spec.table}_default`)}::regclass`,
  );
  const storage = typeof opts?.opts === "string" && opts.opts !== "" ? ` with (${opts.opts})` : "";
  await job.query(
    `create table if not exists ${ident(name)} (like ${ident(spec.table)} including defaults including constraints)${storage}`,
  );
  try {
    await job.query(
      `alter table ${ident(spec.table)} attach partition ${ident(name)}
         for values from (${timestampLiteral(from)}) to (${timestampLiteral(to)})`,
    );
  } catch (err) {
    await job.query(`drop table if exists ${ident(name)}`);
    job.opts.log.warn(
      { table: spec.table, partition: name, err: String(err) },
      "retention: partition not created (its rows stay in the DEFAULT partition)",
    );
    return;
  }
  job.result.created.push(name);
  job.opts.log.info({ table: spec.table, partition: name }, "retention: partition created");
}

/**
 * Drops a status_reports partition unless an open delivery needs one of its reports: one statement
 * (a DO block, so one transaction on PostgreSQL and on PGlite's single session alike) that locks
 * the reports table, checks, and drops. A replay reopens a delivery only if its report is there
 * (it reads it in the same statement), so it either committed before the lock, and the check sees
 * the reopened delivery, or it waits for the drop and finds no report. Checked and then dropped as
 * two statements, a replay committing between them left an open delivery whose report was gone,
 * which no relay ever finds again. The lock is the one DROP takes anyway (ACCESS EXCLUSIVE on the
 * parent, before the partition's, the order DROP takes them in), held for the check too: one
 * look-up in deliveries_open.
 */
async function dropReportsUnlessNeeded(job: Job, p: Partition): Promise<boolean> {
  await job.query(`do $drop$
    begin
      lock table only status_reports in access exclusive mode;
      if not exists (select 1 from deliveries d where d.settled_at = 'infinity' and ${openRange(p)}) then
        execute ${literal(`drop table ${ident(p.name)}`)};
      end if;
    end
  $drop$`);
  const [row] = await job.query(`select to_regclass(${literal(ident(p.name))}) is null as dropped`);
  return row?.dropped === true;
}

/** The open deliveries whose reports are in status_reports partition `p` (a delivery's created_at is its report's received_at). */
function openRange(p: Partition): string {
  return [
    Number.isFinite(p.from) ? `d.created_at >= ${timestampLiteral(p.from)}` : "true",
    `d.created_at < ${timestampLiteral(p.to)}`,
  ].join(" and ");
}

/**
 * Open deliveries older than the reports' retention whose report is no longer there: the relay
 * finds a delivery through its report, so such a row would stay open for good, unseen. Settled
 * dead, with the reason, they show in the admin API (and a replay refuses them: report-expired).
 * Only rows of days past the reports' retention can lack their report, so the look-up is over the
 * few open deliveries that old.
 */
async function settleOrphans(job: Job): Promise<void> {
  const cutoff = job.opts.now - job.opts.retention.reports;
  const rows = await job.query(
    `with gone as (
       update deliveries d set status = 'dead', settled_at = now(),
              last_error = 'its status report is past HUB_RETENTION_REPORTS and gone: it cannot be sent'
       where d.settled_at = 'infinity' and d.created_at < ${timestampLiteral(cutoff)}
         and not exists (select 1 from status_reports r where r.id = d.report_id and r.received_at = d.created_at)
       returning 1)
     select count(*)::int as n from gone`,
  );
  const n = Number(rows[0]?.n ?? 0);
  if (n === 0) return;
  job.result.deadWithoutReport += n;
  job.opts.log.warn({ deliveries: n }, "retention: open deliveries without their report settled dead");
}

/**
 * The one DELETE: rows past retention in a DEFAULT partition, which only holds rows of days the
 * job did not create in time. Reports an open delivery still needs stay.
 */
async function expireDefault(job: Job, spec: PartitionedTable, cutoff: number, p: Partition | undefined) {
  if (!p) return;
  const keep =
    spec.table === "status_reports"
      ? ` and not exists (select 1 from deliveries d where d.settled_at = 'infinity' and d.report_id = t.id)`
      : "";
  const rows = await job.query(
    `with gone as (delete from ${ident(p.name)} t where t.${ident(spec.column)} < ${timestampLiteral(cutoff)}${keep} returning 1)
     select count(*)::int as n from gone`,
  );
  const n = Number(rows[0]?.n ?? 0);
  if (n === 0) return;
  job.result.deletedFromDefault += n;
  job.opts.log.warn(
    { table: spec.table, partition: p.name, rows: n },
    "retention: rows past retention deleted from DEFAULT",
  );
}
