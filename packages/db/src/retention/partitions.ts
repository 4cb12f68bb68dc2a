import type { SessionQuery } from "../types.ts";

export const DAY_MS = 86_400_000;

export interface Partition {
  name: string;
  /** Lower bound in epoch ms; -Infinity for MINVALUE. */
  from: number;
  /** Upper bound (exclusive) in epoch ms; Infinity for MAXVALUE. */
  to: number;
  isDefault: boolean;
}

/** The table's partitions with their bounds (read by PostgreSQL, so no date format is parsed here). */
export async function listPartitions(query: SessionQuery, table: string): Promise<Partition[]> {
  const rows = await query(`
    select c.relname as name, b.bound = 'DEFAULT' as is_default,
           extract(epoch from (regexp_match(b.bound, 'FROM \\(''([^'']*)''\\)'))[1]::timestamptz)::float8 * 1000 as lower,
           extract(epoch from (regexp_match(b.bound, 'TO \\(''([^'']*)''\\)'))[1]::timestamptz)::float8 * 1000 as upper
      from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      cross join lateral (select pg_get_expr(c.relpartbound, c.oid) as bound) b
     where i.inhparent = ${literal(table)}::regclass
     order by c.relname`);
  return rows.map((r) => ({
    name: String(r.name),
    isDefault: r.is_default === true,
    from: r.lower === null ? Number.NEGATIVE_INFINITY : Number(r.lower),
    to: r.upper === null ? Number.POSITIVE_INFINITY : Number(r.upper),
  }));
}

const MINUTE_MS = 60_000;

/**
 * Whether `ms` can be a partition interval (HUB_PARTITION_INTERVAL): whole minutes, and either a
 * divisor of a day or a whole number of days, so that partitions line up with UTC days.
 */
export function validPartitionInterval(ms: number): boolean {
  if (!Number.isInteger(ms) || ms < MINUTE_MS || ms % MINUTE_MS !== 0) return false;
  return DAY_MS % ms === 0 || ms % DAY_MS === 0;
}

/**
 * The partition's name from its range: "status_reports_p20261204" for whole UTC days (the
 * default), "status_reports_p20261204t0525" when it starts or ends inside a day (shorter intervals).
 */
export function partitionName(table: string, from: number, to: number): string {
  const iso = new Date(from).toISOString();
  const day = iso.slice(0, 10).replaceAll("-", "");
  const wholeDays = from % DAY_MS === 0 && (to - from) % DAY_MS === 0;
  return wholeDays ? `${table}_p${day}` : `${table}_p${day}t${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/** The start of the partition interval holding `at` (intervals counted from the epoch, so days are UTC days). */
export function startOfInterval(at: number, intervalMs: number): number {
  return Math.floor(at / intervalMs) * intervalMs;
}

/**
 * The parts of [from, to) no existing partition covers: where the interval changed, a new
 * partition fills only the gaps between the old ones (ranges may not overlap).
 */
export function uncovered(from: number, to: number, partitions: readonly Partition[]): [number, number][] {
  const taken = partitions
    .filter((p) => !p.isDefault && p.from < to && p.to > from)
    .sort((a, b) => a.from - b.from);
  const gaps: [number, number][] = [];
  let at = from;
  for (const p of taken) {
    if (p.from > at) gaps.push([at, p.from]);
    at = Math.max(at, p.to);
  }
  if (at < to) gaps.push([at, to]);
  return gaps;
}

/** A SQL string literal. */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A SQL identifier, quoted. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function timestampLiteral(at: number): string {
  return `${literal(new Date(at).toISOString())}::timestamptz`;
}
