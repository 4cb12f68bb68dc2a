import { openPostgres } from "./postgres.ts";
import type { DatabaseHandle, OpenDatabaseOptions } from "./types.ts";

/**
 * The one way to get a database: postgres.js when a URL is given (production, DATABASE_URL),
 * else PGlite persisted in dataDir (embedded mode, HUB_DATA_DIR). Does not migrate: callers
 * decide when (the hub at start, the CLI on demand).
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (opts.url) return openPostgres(opts.url, opts.maxConnections, opts.migrationsDir);
  if (!opts.dataDir) throw new Error("openDatabase: give a postgres url or a PGlite dataDir");
  // Loaded in embedded mode only: a process on PostgreSQL never holds PGlite's code.
  const { openPglite } = await import("./pglite.ts");
  return openPglite(opts.dataDir, opts.migrationsDir);
}
