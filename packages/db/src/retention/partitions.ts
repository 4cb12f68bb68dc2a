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

/** "status_reports_p20261204": the day partition of the UTC day starting at `dayStart`. */
export function dayPartitionName(table: string, dayStart: number): string {
  return `${table}_p${new Date(dayStart).toISOString().slice(0, 10).replaceAll("-", "")}`;
}

export function startOfUtcDay(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
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
