import type { Database } from "@yunlian/db";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

/** Runs one statement and hands back its rows. */
export type RunSql = (query: SQL) => Promise<unknown[]>;

/** The slice of a postgres.js client used here (drizzle exposes its client as `db.$client`). */
interface PostgresJsClient {
  unsafe(query: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]>;
  begin<T>(fn: (sql: PostgresJsClient) => Promise<T>): Promise<T>;
}

const dialect = new PgDialect();

function postgresJs(db: Database): PostgresJsClient | undefined {
  const client = (db as { $client?: Partial<PostgresJsClient> }).$client;
  return typeof client?.unsafe === "function" && typeof client.begin === "function"
    ? (client as PostgresJsClient)
    : undefined;
}

/**
 * Hot-path statements run as named prepared statements on postgres.js. drizzle's `execute` runs
 * them unnamed, and postgres.js then first asks the server for the parameter types and waits for
 * the answer (Parse/Describe, then Bind/Execute): two round trips per statement, and nothing can
 * be pipelined behind it. Prepared once per connection, a statement is one round trip, is not
 * parsed again, and several can be in flight on one connection. PGlite (in-process) and a
 * transaction handed in as `db` go through drizzle as before.
 */
function prepared(client: PostgresJsClient): RunSql {
  return (query) => {
    const { sql, params } = dialect.sqlToQuery(query);
    return client.unsafe(sql, params, { prepare: true });
  };
}

function viaDrizzle(db: Pick<Database, "execute">): RunSql {
  return async (query) => rowsOf(await db.execute(query));
}

export function runSql(db: Database): RunSql {
  const client = postgresJs(db);
  return client ? prepared(client) : viaDrizzle(db);
}

/** Runs `fn` in one transaction; its statements may be issued concurrently (they are pipelined). */
export function inTransaction<T>(db: Database, fn: (run: RunSql) => Promise<T>): Promise<T> {
  const client = postgresJs(db);
  if (client) return client.begin((tx) => fn(prepared(tx)));
  return db.transaction((tx) => fn(viaDrizzle(tx)));
}

/** postgres.js returns the rows as an array, PGlite as `{ rows }`. */
export function rowsOf(res: unknown): unknown[] {
  if (Array.isArray(res)) return res;
  const rows = (res as { rows?: unknown }).rows;
  return Array.isArray(rows) ? rows : [];
}
