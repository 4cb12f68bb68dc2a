import type { Database } from "@yunlian/db";
import { fillPlaceholders, type SQL } from "drizzle-orm";
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

/** A statement run with new values for its `sql.placeholder`s: see renderOnce. */
export type RunRendered = (values: Record<string, unknown>) => Promise<unknown[]>;

/**
 * Renders a statement built with `sql.placeholder`s to its text once, for a statement run on every
 * batch of a hot path: drizzle's rendering per run (walking the template, naming the parameters)
 * was a measurable share of what op tracking cost the hub per op. On postgres.js it runs as a
 * named prepared statement (see `prepared`); on PGlite through the client's own query.
 */
export function renderOnce(query: SQL): (db: Database) => RunRendered {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (db) => {
    const client = postgresJs(db);
    if (client) return (values) => client.unsafe(text, fillPlaceholders(params, values), { prepare: true });
    const pglite = (db as { $client?: { query?: PgliteQuery } }).$client;
    const query = pglite?.query?.bind(pglite);
    if (!query) throw new Error("renderOnce: neither a postgres.js nor a PGlite database");
    return async (values) => rowsOf(await query(text, fillPlaceholders(params, values)));
  };
}

/** The slice of PGlite's client used by renderOnce. */
type PgliteQuery = (query: string, params: unknown[]) => Promise<{ rows: unknown[] }>;

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

/**
 * Runs a statement that updates open deliveries again when PostgreSQL refused it because a
 * concurrent statement settled (or replayed) one of its rows, which moves the row to another
 * partition (docs/adr/0009): SQLSTATE 40001, "tuple to be locked was already moved to another
 * partition due to concurrent update". Unpartitioned, the statement would have re-read the row
 * and skipped it (no longer open); run again, it no longer sees the row in deliveries_open, which
 * is that same outcome. The statement is its own transaction, so nothing of the refused run stays.
 */
export async function retryAfterPartitionMove<T>(run: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (i >= tries || !movedByConcurrentUpdate(err)) throw err;
    }
  }
}

/** PostgreSQL's refusal of a statement that met a row a concurrent commit moved to another partition (40001). */
export function movedByConcurrentUpdate(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (e.code === "40001" && typeof e.message === "string" && e.message.includes("moved to another partition"))
    return true;
  return e.cause !== undefined && e.cause !== err && movedByConcurrentUpdate(e.cause);
}

/** postgres.js returns the rows as an array, PGlite as `{ rows }`. */
export function rowsOf(res: unknown): unknown[] {
  if (Array.isArray(res)) return res;
  const rows = (res as { rows?: unknown }).rows;
  return Array.isArray(rows) ? rows : [];
}
