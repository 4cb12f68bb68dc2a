import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { migrationsFolder, serialised } from "./migrations-folder.ts";
import * as schema from "./schema/index.ts";
import type { DatabaseHandle } from "./types.ts";

/**
 * Session-level advisory lock key held while migrating, so hub and worker processes starting
 * together on one database apply migrations one after the other (the second finds nothing to do).
 * Arbitrary but fixed: it must be the same in every process.
 */
const MIGRATION_LOCK_KEY = 7_372_617_001;

async function migrateWithLock(url: string, migrationsDir: string | undefined): Promise<void> {
  // A dedicated single connection: the advisory lock belongs to a session, so taking it,
  // migrating and releasing it must all happen on the same connection.
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migrate(drizzle(sql, { schema }), { migrationsFolder: migrationsFolder(migrationsDir) });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export function openPostgres(url: string, maxConnections = 10, migrationsDir?: string): DatabaseHandle {
  const sql = postgres(url, {
    max: maxConnections,
    onnotice: () => {},
    // Named prepared statements (the delivery outbox's by-key batches) are otherwise planned once
    // per connection after five runs and that generic plan is kept until the next ANALYZE: prepared
    // while the outbox was nearly empty, it seq-scans it forever after — each pass reading the whole
    // table, where autovacuum is off or has not analysed it yet. Planning each run costs less than
    // a scan of a grown table. Unnamed statements (everything drizzle sends) are planned each run anyway.
    // A `plan_cache_mode` in the URL wins.
    //
    // JIT off: the hub's statements are short OLTP ones, but a few (the op record with its
    // correlated look-up in the partitioned report history, jsonb_to_recordset's default estimate
    // of 100 rows) are estimated above jit_above_cost, and compiling them took ~630 ms a run while
    // running them took under 1 ms (the soak of 2026-12-04: devices/op p50 0.5 s). `jit` in the URL wins.
    connection: { plan_cache_mode: "force_custom_plan", jit: "off" },
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    kind: "postgres",
    migrate: serialised(() => migrateWithLock(url, migrationsDir)),
    async listen(channel, onPayload, onRelisten) {
      // postgres.js keeps LISTEN on its own connection and re-listens after a reconnect; its
      // onlisten callback runs on the first LISTEN and on every re-LISTEN.
      let first = true;
      const { unlisten } = await sql.listen(channel, onPayload, () => {
        if (!first) onRelisten?.();
        first = false;
      });
      return unlisten;
    },
    async notify(channel, payload) {
      await sql`select pg_notify(${channel}, ${payload})`;
    },
    async ping() {
      await sql`select 1`;
    },
    async withConnection(fn) {
      const conn = await sql.reserve();
      try {
        return await fn(async (text) => [...(await conn.unsafe(text))] as Record<string, unknown>[]);
      } finally {
        conn.release();
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
