import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { migrationsFolder, serialised } from "./migrations-folder.ts";
import * as schema from "./schema/index.ts";
import type { DatabaseHandle } from "./types.ts";

const MEMORY = "memory://";

/**
 * Embedded Postgres (WASM) for a services-free start. One process owns the data folder, so
 * in-process serialisation of migrate() is all the locking it needs. The cluster lives in a
 * `pglite/` subfolder so the hub can keep its own files (generated keys) beside it in dataDir.
 */
export async function openPglite(dataDir: string, migrationsDir?: string): Promise<DatabaseHandle> {
  let where = dataDir;
  if (!dataDir.startsWith(MEMORY)) {
    where = join(resolve(process.cwd(), dataDir), "pglite");
    await mkdir(where, { recursive: true });
  }
  const client = await PGlite.create({ dataDir: where });
  const db = drizzle(client, { schema });
  return {
    db,
    kind: "pglite",
    migrate: serialised(() => migrate(db, { migrationsFolder: migrationsFolder(migrationsDir) })),
    // In-process: the LISTEN cannot lose its connection, so there is never a re-listen.
    listen: (channel, onPayload) => client.listen(channel, onPayload),
    async notify(channel, payload) {
      await client.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async ping() {
      await client.query("select 1");
    },
    async close() {
      await client.close();
    },
  };
}
