import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema/index.ts";

/** One type both drivers (postgres.js and PGlite) satisfy; code above this package never names a driver. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** What `db.transaction(async (tx) => …)` hands its callback; services accept it to reuse an outer transaction. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Runs one SQL statement (no parameters) and hands back its rows. */
export type SessionQuery = (text: string) => Promise<Record<string, unknown>[]>;

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  /** Applies the committed migrations/ folder. Idempotent; safe when several processes start at once. */
  migrate(): Promise<void>;
  /**
   * Postgres LISTEN; resolves once listening. The returned function stops listening.
   * `onRelisten` runs each time the LISTEN is set up again after its connection was lost:
   * notifications sent in between are gone, so a listener that caches should reload then.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onRelisten?: () => void,
  ): Promise<() => Promise<void>>;
  /** Postgres NOTIFY (pg_notify), delivered to listeners in every process on the same database. */
  notify(channel: string, payload: string): Promise<void>;
  ping(): Promise<void>;
  /**
   * Runs `fn` on one connection held for its whole duration, so session state (an advisory lock,
   * a setting) holds across its statements; each statement commits on its own. PGlite has one.
   */
  withConnection<T>(fn: (query: SessionQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL. When absent, embedded PGlite is used. */
  url?: string;
  /** PGlite data folder (relative paths resolve against process.cwd()); "memory://" for tests. */
  dataDir?: string;
  /** postgres.js pool size (default 10); ignored for PGlite, which has one connection. */
  maxConnections?: number;
  /** Where migrate() finds the SQL files (HUB_MIGRATIONS_DIR); default the repository's migrations/. */
  migrationsDir?: string;
}
