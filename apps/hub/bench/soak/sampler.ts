import { Redis } from "ioredis";
import postgres from "postgres";
import { treeUsage } from "./servers.ts";

/** Everything the soak reads off the servers at one instant; differences of two make a cost. */
export interface Sample {
  at: number;
  cpu: { hub: number; worker: number; pg: number; redis: number };
  rss: { hub: number; worker: number };
  dbBytes: number;
  /** pg_current_wal_lsn() as a byte position. */
  walBytes: number;
  redisUsedMemory: number;
  redisCommands: number;
  openDeliveries: number;
  deadDeliveries: number;
  partitions: string[];
}

export interface Pids {
  hub: number;
  worker: number;
  pg: number;
  redis: number;
}

const PARTITIONED = ["status_reports", "deliveries", "delivery_attempts", "audit_log"];

export class Sampler {
  readonly sql: postgres.Sql;
  readonly redis: Redis;
  /** Every partition ever seen, and those seen and then gone (dropped by the retention job). */
  readonly seen = new Set<string>();
  readonly dropped = new Set<string>();

  constructor(
    databaseUrl: string,
    redisUrl: string,
    private readonly pids: () => Pids,
  ) {
    this.sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  }

  async take(): Promise<Sample> {
    const p = this.pids();
    const [hub, worker, pg, redis] = [p.hub, p.worker, p.pg, p.redis].map(treeUsage);
    const [db] = await this.sql`
      select pg_database_size(current_database())::float8 as db,
             pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 as wal,
             (select count(*)::int from deliveries where settled_at = 'infinity') as open,
             (select count(*)::int from deliveries where status = 'dead') as dead`;
    const parts = await this.sql`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent::regclass::text = any(${PARTITIONED})`;
    const names = parts.map((r) => String(r.name));
    for (const n of names) this.seen.add(n);
    const now = new Set(names);
    for (const n of this.seen) if (!now.has(n)) this.dropped.add(n);
    const memory = await this.redis.info("memory");
    const stats = await this.redis.info("stats");
    const field = (text: string, name: string) =>
      Number(
        text
          .split("\r\n")
          .find((l) => l.startsWith(`${name}:`))
          ?.slice(name.length + 1) ?? Number.NaN,
      );
    return {
      at: Date.now(),
      cpu: {
        hub: hub?.cpuSeconds ?? 0,
        worker: worker?.cpuSeconds ?? 0,
        pg: pg?.cpuSeconds ?? 0,
        redis: redis?.cpuSeconds ?? 0,
      },
      rss: { hub: hub?.rssBytes ?? 0, worker: worker?.rssBytes ?? 0 },
      dbBytes: Number(db?.db),
      walBytes: Number(db?.wal),
      redisUsedMemory: field(memory, "used_memory"),
      redisCommands: field(stats, "total_commands_processed"),
      openDeliveries: Number(db?.open),
      deadDeliveries: Number(db?.dead),
      partitions: names,
    };
  }

  /** Bytes on disk (heap, indexes, TOAST) and rows of a partitioned table, over all its partitions. */
  async tableFootprint(table: string): Promise<{ bytes: number; rows: number }> {
    const [r] = await this.sql`
      select coalesce(sum(pg_total_relation_size(relid)), 0)::float8 as bytes,
             (select count(*)::float8 from ${this.sql(table)}) as rows
        from pg_partition_tree(${table}::regclass)`;
    return { bytes: Number(r?.bytes), rows: Number(r?.rows) };
  }

  /**
   * The largest tables (partitions summed into their parent; the system catalogs, which partition
   * churn grows, as one `pg_catalog`), for where the database's size goes.
   */
  async largestTables(n = 8): Promise<{ table: string; bytes: number }[]> {
    const rows = await this.sql`
      select case when ns.nspname = 'public' then coalesce(i.inhparent::regclass::text, c.relname) else ns.nspname end as table,
             sum(pg_total_relation_size(c.oid))::float8 as bytes
        from pg_class c
        join pg_namespace ns on ns.oid = c.relnamespace and ns.nspname in ('public', 'pg_catalog')
        left join pg_inherits i on i.inhrelid = c.oid
       where c.relkind = 'r'
       group by 1 order by 2 desc limit ${n}`;
    return rows.map((r) => ({ table: String(r.table), bytes: Number(r.bytes) }));
  }

  async close(): Promise<void> {
    await this.sql.end();
    this.redis.disconnect();
  }
}
