import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase } from "./open.ts";

// Test helpers: every test file gets its own database on the local server, so files run in
// parallel and never see each other's rows.

const baseUrl = () => process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

/** True in CI (or when asked): a missing server must then fail the tests, not skip them. */
export function servicesRequired(): boolean {
  return process.env.TEST_REQUIRE_SERVICES === "1" || process.env.CI === "true";
}

export async function postgresAvailable(): Promise<boolean> {
  const sql = postgres(baseUrl(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** Creates an empty database t_<random> (not migrated) and returns its URL and a way to drop it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(8).toString("hex")}`;
  const admin = postgres(baseUrl(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(baseUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(baseUrl(), { max: 1, onnotice: () => {} });
      try {
        // FORCE ends sessions a test forgot to close (PostgreSQL 13+).
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

/**
 * Sequential scans of `deliveries` made by a named (prepared) statement shaped like the delivery
 * relay's — open rows by key, oldest first — on a pool opened from `url` (a migrated database):
 * the statement runs ten times while the outbox holds 20 rows, enough for Postgres to settle on a
 * cached plan, then five times after the outbox has grown to 20,000. A plan that outlives the
 * small table scans it on each of those runs.
 */
export async function seqScansAfterOutboxGrowth(url: string): Promise<number> {
  const handle = await openDatabase({ url, maxConnections: 1 });
  const client = (handle.db as unknown as { $client: PostgresClient }).$client;
  const run = (query: string) => client.unsafe(query, [], {});
  const tag = randomBytes(4).toString("hex");
  const addDeliveries = async (from: number, to: number) => {
    await run(`insert into status_reports (udevice_id, vendor_plat_id, data_type, device_status)
               select '${tag}-' || g, 'V-${tag}', 'attr', '{}' from generate_series(${from}, ${to}) g`);
    await run(`insert into deliveries (id, report_id, plat_id, udevice_id)
               select 'msg_' || r.udevice_id, r.id, 'A-${tag}', r.udevice_id from status_reports r
                where r.vendor_plat_id = 'V-${tag}'
                  and not exists (select 1 from deliveries d where d.report_id = r.id)`);
  };
  const seqScans = async () => {
    await run("select pg_stat_force_next_flush()");
    const [row] = await run(
      // deliveries is partitioned (migrations/0008): the scans of its partitions.
      `select pg_stat_clear_snapshot(), sum(seq_scan) as seq_scan from pg_stat_user_tables
        where relid in (select inhrelid from pg_inherits where inhparent = 'deliveries'::regclass)`,
    );
    return Number((row as { seq_scan: number | string }).seq_scan);
  };
  const byIds = () =>
    client.unsafe(
      `select id from deliveries where id = any($1::text[]) and status <> 'delivered' and status <> 'dead'
          and next_attempt_at <= $2::timestamptz order by next_attempt_at limit 100`,
      [[`msg_${tag}-1`, `msg_${tag}-2`], new Date().toISOString()],
      { prepare: true },
    );
  try {
    await run(`insert into platforms (plat_id, name, app_id, secret_ciphertext, secret_key_id)
               values ('V-${tag}', 'v', 'v-${tag}', 'c', 'k'), ('A-${tag}', 'a', 'a-${tag}', 'c', 'k')`);
    await addDeliveries(1, 20);
    for (let i = 0; i < 10; i++) await byIds();
    await addDeliveries(21, 20_000);
    const before = await seqScans();
    for (let i = 0; i < 5; i++) {
      if ((await byIds()).length !== 2) throw new Error("seqScansAfterOutboxGrowth: the probe lost rows");
    }
    return (await seqScans()) - before;
  } finally {
    await handle.close();
  }
}

/** The slice of postgres.js used here (drizzle exposes its client as `db.$client`). */
interface PostgresClient {
  unsafe(query: string, params: unknown[], options: { prepare?: boolean }): Promise<unknown[]>;
}
