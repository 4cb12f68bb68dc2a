import { randomFillSync } from "node:crypto";
import { type Database, type OpStatus, opDevices, ops, platforms, statusReports } from "@yunlian/db";
import { GroupCommit, type RunSql, renderOnce, runSql } from "@yunlian/delivery";
import { type SQL, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { HubMetrics } from "../../observability/metrics.ts";
import { OP_RESULT, type OpResultSink } from "./op-results.ts";

/** What following devices/op uses (docs/design.md §7 "Device operation"). */
export interface OpsCtx {
  db: Database;
  now: () => Date;
  /** Where a record that could not be written is reported: the op was answered already. */
  log: Pick<Logger, "error">;
  /** HUB_OP_CONFIRM_TIMEOUT. */
  confirmTimeoutMs: number;
  /**
   * HUB_RETENTION_OPS: GET /v1/ops answers 404 for an op older than this; the retention job drops
   * its partition after (packages/db/src/retention).
   */
  retentionMs: number;
  metrics: Pick<HubMetrics, "opsTotal" | "opConfirmation">;
  /** Where settled ops go for the platforms that opted in to "opResult". */
  results: OpResultSink;
}

export interface TrackedDevice {
  udeviceId: string;
  vendorPlatId: string;
  attrs: Record<string, string>;
  /** The vendor refused it (FailedIDs): written failed, settled at once. */
  failed?: boolean;
}

/** A device whose status changed in one statement: what metrics and settling need. */
interface Transition {
  op_id: string;
  /** Set by the op record's insert, which writes confirmed and failed devices at once. */
  status?: OpStatus;
  vendor_plat_id: string;
  created_at: string | Date;
  /** When it settled, if not now (a confirmation found in the report history). */
  settled_at?: string | Date;
}

const sqlFor = new WeakMap<Database, RunSql>();
function run(db: Database): RunSql {
  let r = sqlFor.get(db);
  if (!r) {
    r = runSql(db);
    sqlFor.set(db, r);
  }
  return r;
}

/** Random bytes drawn 4 KiB at a time: one OpID takes 8 of them. */
const randomPool = Buffer.alloc(4096);
let poolOffset = randomPool.length;
/** `op_` + the time of the last OpID issued, reused while the millisecond is the same. */
let prefixMs = -1;
let prefix = "";

/**
 * `op_` + time (base 36) + 16 random hex characters: unguessable, roughly ordered. The random part
 * comes from a pooled buffer and the prefix is reused within a millisecond: a fresh randomUUID and
 * a base-36 rendering per op measured ~0.6 µs, this ~0.13 µs, on a path that counts every µs
 * (tracking may add at most 10 % hub CPU per op).
 */
export function newOpId(now: Date): string {
  const ms = now.getTime();
  if (ms !== prefixMs) {
    prefixMs = ms;
    prefix = `op_${ms.toString(36)}`;
  }
  if (poolOffset === randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const random = randomPool.toString("hex", poolOffset, poolOffset + 8);
  poolOffset += 8;
  return prefix + random;
}

/** When an OpID was issued (newOpId's time), or undefined for a string that is not one. */
export function opIssuedAt(opId: string): number | undefined {
  if (!opId.startsWith("op_") || opId.length < 3 + 1 + 16) return undefined;
  const time = opId.slice(3, -16);
  // Base 36 digits only: parseInt would stop at the first other character and read a prefix.
  for (const c of time) if (!((c >= "0" && c <= "9") || (c >= "a" && c <= "z"))) return undefined;
  return Number.parseInt(time, 36);
}

/** One op's rows, as the batch statement reads them (JSON field names = what it selects). */
interface OpRow {
  op_id: string;
  plat_id: string;
  user_id: string;
  /** Milliseconds since the epoch: cheaper to write per op than ISO strings. When the op began. */
  created_ms: number;
  /** When the vendors had answered: the settling time of the devices they refused. */
  written_ms: number;
  devices: {
    udevice_id: string;
    vendor_plat_id: string;
    attrs: Record<string, string>;
    ord: number;
    failed: boolean;
  }[];
}

/**
 * How long the op writer waits for more ops before it writes a batch, and the least time between
 * the starts of two batches (at most 50 statements a second, however fast the database answers).
 * The answer does not wait for the write (recordOp), so the wait costs no latency; what it buys is
 * fewer statements per op, and
 * a statement (its syscalls, the wake-up of a PostgreSQL backend, postgres.js's framing) was most
 * of what tracking cost the hub per op (docs/adr/0010). It is also the window in which a hub
 * killed without warning loses op records it already answered (a graceful stop writes them).
 */
const OP_WRITE_LINGER_MS = 20;

/** Shared by every op the insert settled nothing of: read-only, so no caller can fill it. */
const NONE_SETTLED: readonly Transition[] = [];

/**
 * One instance's op records in writing: concurrent ops are written together (one statement, one
 * commit: see GroupCommit), and a read of an op still being written waits for it (`waiting`).
 */
interface OpWriter {
  committer: GroupCommit<OpRow, readonly Transition[]>;
  /** The OpIDs being written, each with the reads waiting for it (null: none yet). */
  waiting: Map<string, (() => void)[] | null>;
  /** Shared by every op (no closure per op): the batch committed, or the op alone failed. */
  written(settled: readonly Transition[], row: OpRow): void;
  failed(err: unknown, row: OpRow): void;
}

const writers = new WeakMap<OpsCtx, OpWriter>();

function writerFor(ctx: OpsCtx): OpWriter {
  let writer = writers.get(ctx);
  if (!writer) {
    const insert = insertOps(ctx.db);
    const write = async (rows: readonly OpRow[]) => {
      const seen = (await insert({
        rows: JSON.stringify(rows),
        confirmTimeoutMs: ctx.confirmTimeoutMs,
        ...reportWindow(rows, ctx.now().getTime()),
      })) as Transition[];
      // Almost always none: one shared empty list rather than a filtered copy per op.
      if (seen.length === 0) return rows.map(() => NONE_SETTLED);
      return rows.map((row) => seen.filter((t) => t.op_id === row.op_id));
    };
    const waiting = new Map<string, (() => void)[] | null>();
    const done = (opId: string) => {
      const reads = waiting.get(opId);
      waiting.delete(opId);
      if (reads) for (const read of reads) read();
    };
    writer = {
      committer: new GroupCommit<OpRow, readonly Transition[]>({
        maxBatch: 256,
        lingerMs: OP_WRITE_LINGER_MS,
        runBatch: write,
        runOne: async (row) => (await write([row]))[0] ?? [],
      }),
      waiting,
      written(settled, row) {
        done(row.op_id);
        if (settled.length === 0) return;
        settleInserted(ctx, settled).catch((err: unknown) => {
          ctx.log.error(
            { err: String(err), opId: row.op_id },
            "devices/op: op recorded, its settled devices not followed up",
          );
        });
      },
      failed(err, row) {
        done(row.op_id);
        // A failed write leaves an OpID that GET /v1/ops will not find: logged, never thrown.
        ctx.log.error({ err: String(err), opId: row.op_id }, "devices/op: op answered but not recorded");
      },
    };
    writers.set(ctx, writer);
  }
  return writer;
}

/**
 * A report of the device received since the op began that shows every commanded attribute at its
 * commanded value (the rule of confirmFromReports, read from the history instead). It catches the
 * report that was matched before its op was written: the op is written beside the vendor call,
 * and a fast device's report can be stored (and matched, finding nothing) before that commit.
 */
const firstConfirmingReport = (device: SQL, attrs: SQL, since: SQL, window?: SQL) => sql`(
  select min(r.received_at) from ${statusReports} r
  where r.udevice_id = ${device} and r.received_at >= ${since}${window ?? sql``}
    and r.data_type = 'attr' and r.device_status @> ${attrs})`;

/**
 * The received_at range the insert's report look-up can need, as parameters: from the batch's
 * oldest op to a minute past now (a report stored after the insert is the report path's to match).
 * The look-up's own bound is each op's time, a column, which prunes no partition: each device then
 * probed every partition of the report history (30 daily ones by default), measured at 36–41 µs of
 * PostgreSQL CPU per op with the bench's 5 partitions, 19–26 µs with this range.
 */
function reportWindow(rows: readonly OpRow[], nowMs: number): { since: string; until: string } {
  let oldest = nowMs;
  for (const row of rows) if (row.created_ms < oldest) oldest = row.created_ms;
  return { since: new Date(oldest).toISOString(), until: new Date(nowMs + 60_000).toISOString() };
}

/**
 * One statement for a batch of ops and their devices (`rows`: the batch's OpRows as JSON); its text
 * is the same for any batch, so it is rendered once. A device the vendor refused is written failed,
 * one whose confirming report is already stored confirmed; both are returned.
 */
const insertOps = renderOnce(sql`
    with input as (
      select op_id, plat_id, user_id, to_timestamp(created_ms / 1000.0) as created_at,
             to_timestamp(written_ms / 1000.0) as now, devices
      from jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as i(
        op_id text, plat_id text, user_id text, created_ms double precision, written_ms double precision,
        devices jsonb)
    ), device as (
      select i.op_id, d.udevice_id, d.vendor_plat_id, d.ord, d.attrs, i.created_at,
             d.failed, i.now,
             case when not d.failed then
               ${firstConfirmingReport(
                 sql`d.udevice_id`,
                 sql`d.attrs`,
                 sql`i.created_at`,
                 sql` and r.received_at between ${sql.placeholder("since")}::timestamptz and ${sql.placeholder("until")}::timestamptz`,
               )} end as seen_at
      from input i cross join lateral jsonb_to_recordset(i.devices) as d(
        udevice_id text, vendor_plat_id text, attrs jsonb, ord int, failed boolean)
    ), o as (
      insert into ${ops} (op_id, plat_id, user_id, created_at)
      select op_id, plat_id, user_id, created_at from input
    ), d as (
      insert into ${opDevices} (op_id, udevice_id, vendor_plat_id, ord, attrs, created_at, deadline, status, settled_at)
      select op_id, udevice_id, vendor_plat_id, ord, attrs, created_at,
             created_at + ${sql.placeholder("confirmTimeoutMs")}::int * interval '1 millisecond',
             case when failed then 'failed' when seen_at is null then 'pending' else 'confirmed' end,
             case when failed then now else seen_at end
      from device
    )
    select op_id, vendor_plat_id, created_at, case when failed then 'failed' else 'confirmed' end as status,
           case when failed then now else seen_at end as settled_at
    from device where failed or seen_at is not null`);

/**
 * Records an op once its vendors answered: the op, and each device with its commanded attributes,
 * pending until its deadline (or failed, if its vendor refused it). The answer does not wait for
 * it: ops answered at about the same time share one statement after a short linger (group
 * commit), and `GET /v1/ops` waits for a recent op it does not find yet (readOpWaiting). The
 * op's time is when it began, so the reports its devices sent meanwhile confirm it (insertOps).
 */
export function recordOp(
  ctx: OpsCtx,
  op: { opId: string; platId: string; userId: string; startedAt: Date; devices: TrackedDevice[] },
): void {
  const writer = writerFor(ctx);
  writer.waiting.set(op.opId, null);
  // Callbacks shared by every op rather than a promise (and its reactions) per op: nobody waits
  // for the write but a read of the op (opRecordWritten), and each op's promises lived through
  // the linger, so the garbage collector copied them. The op bench's hub went from 68–78 to
  // 60–66 µs of CPU per tracked op with this (docs/benchmarks.md, issue 13, seventh session).
  writer.committer.enqueue(
    {
      op_id: op.opId,
      plat_id: op.platId,
      user_id: op.userId,
      created_ms: op.startedAt.getTime(),
      written_ms: ctx.now().getTime(),
      devices: op.devices.map((d, ord) => ({
        udevice_id: d.udeviceId,
        vendor_plat_id: d.vendorPlatId,
        attrs: d.attrs,
        ord,
        failed: d.failed === true,
      })),
    },
    writer.written,
    writer.failed,
  );
}

/** The devices the insert wrote settled (refused by their vendor, or confirmed by a stored report). */
async function settleInserted(ctx: OpsCtx, settled: readonly Transition[]): Promise<void> {
  await afterTransitions(
    ctx,
    "confirmed",
    settled.filter((t) => t.status === "confirmed"),
  );
  await afterTransitions(
    ctx,
    "failed",
    settled.filter((t) => t.status === "failed"),
  );
}

/**
 * Resolves once this instance's write of `opId` is over, written or not (at once if there is
 * none): a read of a recent op waits for it.
 */
export function opRecordWritten(ctx: OpsCtx, opId: string): Promise<void> {
  const waiting = writers.get(ctx)?.waiting;
  if (!waiting?.has(opId)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const reads = waiting.get(opId) ?? [];
    reads.push(resolve);
    waiting.set(opId, reads);
  });
}

/** Writes every op record still waiting, and resolves when all are written (a graceful stop). */
export async function drainOpRecords(ctx: OpsCtx): Promise<void> {
  await writers.get(ctx)?.committer.whenIdle();
}

type ReportToMatch = { udeviceId: string; dataType: string; deviceStatus: Record<string, string> };

/** Reports stored at the same time are matched together (one statement): see GroupCommit. */
const matchers = new WeakMap<OpsCtx, GroupCommit<ReportToMatch[], void>>();

function matcherFor(ctx: OpsCtx): GroupCommit<ReportToMatch[], void> {
  let matcher = matchers.get(ctx);
  if (!matcher) {
    const match = async (batches: readonly ReportToMatch[][]) => {
      await confirmMatching(ctx, batches.flat());
      return batches.map(() => undefined);
    };
    matcher = new GroupCommit<ReportToMatch[], void>({
      maxBatch: 256,
      runBatch: match,
      runOne: async (reports) => {
        await match([reports]);
      },
    });
    matchers.set(ctx, matcher);
  }
  return matcher;
}

/**
 * The hot path, run for every stored status report: a pending device whose report shows every
 * commanded attribute at its commanded value is confirmed. Only attr reports can confirm; reports
 * stored at the same time share one statement, and the partial index on pending devices makes a
 * report of a device nobody commanded one index probe that finds nothing. Resolves once the
 * confirmed ops are settled.
 */
export async function confirmFromReports(ctx: OpsCtx, reports: readonly ReportToMatch[]): Promise<void> {
  const attrReports = reports.filter((r) => r.dataType === "attr");
  if (attrReports.length === 0) return;
  await matcherFor(ctx).submit(attrReports);
}

async function confirmMatching(ctx: OpsCtx, reports: readonly ReportToMatch[]): Promise<void> {
  const at = ctx.now().toISOString();
  const input = JSON.stringify(reports.map((r) => ({ udevice_id: r.udeviceId, status: r.deviceStatus })));
  const changed = (await run(ctx.db)(sql`
    with r as (select * from jsonb_to_recordset(${input}::jsonb) as r(udevice_id text, status jsonb))
    update ${opDevices} d set status = 'confirmed', settled_at = ${at}::timestamptz
    from r
    where d.status = 'pending' and d.udevice_id = r.udevice_id and d.deadline > ${at}::timestamptz
      and r.status @> d.attrs
    returning d.op_id, d.vendor_plat_id, d.created_at`)) as Transition[];
  await afterTransitions(ctx, "confirmed", changed);
}

/**
 * Pending devices past their deadline time out (the sweeper, every hub instance; rows move once),
 * unless the report history holds a report that confirms them: one that was stored while its op
 * was being written, which the report path's match could not see yet. Counted per vendor and
 * outcome in the database: a sweep reads a few rows, not one per device.
 */
export async function timeOutDevices(ctx: OpsCtx): Promise<number> {
  const at = ctx.now().toISOString();
  // One UPDATE over the due rows, not a join of the due rows back to the table: PostgreSQL probed
  // that join through the pending-by-device index, so N pending ops of one device cost N² row
  // reads (3,000 ops: 1.2 s of database CPU per sweep, against 50 ms now).
  const moved = (await run(ctx.db)(sql`
    with moved as (
      update ${opDevices} d
      set (status, settled_at) = (
        select case when seen.at is null then 'timeout' else 'confirmed' end, coalesce(seen.at, ${at}::timestamptz)
        from (select ${firstConfirmingReport(sql`d.udevice_id`, sql`d.attrs`, sql`d.created_at`)} as at) seen)
      where d.status = 'pending' and d.deadline <= ${at}::timestamptz
      returning d.op_id, d.vendor_plat_id, d.status, extract(epoch from d.settled_at - d.created_at) as waited
    )
    select vendor_plat_id, status, count(*)::int as n, jsonb_agg(distinct op_id)::text as op_ids,
           case when status = 'confirmed' then jsonb_agg(waited)::text end as waits
    from moved group by vendor_plat_id, status`)) as {
    vendor_plat_id: string;
    status: OpStatus;
    n: number;
    op_ids: string;
    waits: string | null;
  }[];
  if (moved.length === 0) return 0;
  const opIds = new Set<string>();
  for (const m of moved) {
    ctx.metrics.opsTotal.inc({ vendor: m.vendor_plat_id, outcome: m.status }, m.n);
    for (const seconds of m.waits ? (JSON.parse(m.waits) as number[]) : []) {
      ctx.metrics.opConfirmation.observe({ vendor: m.vendor_plat_id }, Math.max(0, Number(seconds)));
    }
    for (const id of JSON.parse(m.op_ids) as string[]) opIds.add(id);
  }
  await settleOps(ctx, [...opIds]);
  return moved.reduce((n, m) => n + m.n, 0);
}

async function afterTransitions(ctx: OpsCtx, outcome: OpStatus, changed: readonly Transition[]) {
  if (changed.length === 0) return;
  const at = ctx.now().getTime();
  for (const t of changed) {
    ctx.metrics.opsTotal.inc({ vendor: t.vendor_plat_id, outcome });
    if (outcome === "confirmed") {
      const settled = t.settled_at ? new Date(t.settled_at).getTime() : at;
      const seconds = Math.max(0, (settled - new Date(t.created_at).getTime()) / 1000);
      ctx.metrics.opConfirmation.observe({ vendor: t.vendor_plat_id }, seconds);
    }
  }
  await settleOps(ctx, [...new Set(changed.map((t) => t.op_id))]);
}

/**
 * Ops with no pending device left get their final status, once (the `status = 'pending'`
 * condition: of two instances settling the same op, the second finds it settled). Each instance
 * runs this after its own transition committed, so the last device's transition always settles.
 */
async function settleOps(ctx: OpsCtx, opIds: string[]): Promise<void> {
  const at = ctx.now().toISOString();
  const settled = (await run(ctx.db)(sql`
    with settled as (
      update ${ops} o set settled_at = ${at}::timestamptz, status = case
        when exists (select 1 from ${opDevices} d where d.op_id = o.op_id and d.created_at = o.created_at and d.status = 'failed') then 'failed'
        when exists (select 1 from ${opDevices} d where d.op_id = o.op_id and d.created_at = o.created_at and d.status = 'timeout') then 'timeout'
        else 'confirmed' end
    where o.op_id in (select jsonb_array_elements_text(${JSON.stringify(opIds)}::jsonb))
      and o.status = 'pending'
      and not exists (select 1 from ${opDevices} d where d.op_id = o.op_id and d.created_at = o.created_at and d.status = 'pending')
      returning o.op_id, o.plat_id
    )
    -- Only what an opResult delivery needs: the ops of platforms that opted in.
    select s.op_id, s.plat_id from settled s join ${platforms} p on p.plat_id = s.plat_id
    where ${OP_RESULT}::text = any(p.events)`)) as { op_id: string; plat_id: string }[];
  if (settled.length > 0)
    await ctx.results.settled(settled.map((s) => ({ opId: s.op_id, platId: s.plat_id })));
}
