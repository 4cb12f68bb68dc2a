import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { migrationsFolder, serialised } from "./migrations-folder.ts";
import * as schema from "./schema/index.ts";
import type { DatabaseHandle } from "./types.ts";

const MEMORY = "memory://";

/**
 * PGlite's own start parameters plus a buffer pool sized for one embedded connection: its default
 * 128 MB of shared buffers is a server's, and every megabyte of it ends up resident in the
 * process (WebAssembly memory) once used; 16 MB holds the hub's tables many times over
 * (docs/benchmarks.md, "Hub footprint").
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

/**
 * An initialised, empty cluster made by this package's build (`pnpm build`, see
 * pglite-template-cli.ts), beside src/ and dist/ alike. A new data folder is a copy of it:
 * PGlite's own initdb takes seconds, and in PGlite 0.5 the WebAssembly instances it runs stay
 * reachable afterwards, about 450 MB that the process would otherwise hold for its lifetime.
 */
export const PGLITE_TEMPLATE = fileURLToPath(new URL("../pglite-template", import.meta.url));

/**
 * Embedded Postgres (WASM) for a services-free start. One process owns the data folder, so
 * in-process serialisation of migrate() is all the locking it needs. The cluster lives in a
 * `pglite/` subfolder so the hub can keep its own files (generated keys) beside it in dataDir.
 */
export async function openPglite(dataDir: string, migrationsDir?: string): Promise<DatabaseHandle> {
  let where = dataDir;
  // memory:// (tests): a scratch copy of the template when there is one, removed on close — the
  // same start as a new data folder's, without initdb's seconds and memory per database.
  const scratch =
    dataDir.startsWith(MEMORY) && hasTemplate() ? mkdtempSync(join(tmpdir(), "yunlian-pglite-")) : undefined;
  if (scratch || !dataDir.startsWith(MEMORY)) {
    where = join(scratch ?? resolve(process.cwd(), dataDir), "pglite");
    await mkdir(where, { recursive: true });
    copyTemplateInto(where);
  }
  const client = await PGlite.create({ dataDir: where, startParams: START_PARAMS });
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
    // PGlite is one session: everything already runs on the same connection.
    withConnection: (fn) => fn(async (text) => (await client.query<Record<string, unknown>>(text)).rows),
    async close() {
      await client.close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * An empty folder gets the template's cluster, copied beside it first and renamed into place, so
 * a start cut short never leaves half a cluster. Without a template (sources never built) or in a
 * folder that already holds files, PGlite does what it always does (resume, or run initdb).
 */
function copyTemplateInto(where: string): void {
  if (readdirSync(where).length > 0 || !hasTemplate()) return;
  const staging = `${where}.copy-${process.pid}`;
  cpSync(PGLITE_TEMPLATE, staging, { recursive: true });
  rmSync(where, { recursive: true, force: true }); // empty, see above
  renameSync(staging, where);
}

function hasTemplate(): boolean {
  return existsSync(join(PGLITE_TEMPLATE, "PG_VERSION"));
}

/** Makes PGLITE_TEMPLATE anew: PGlite's initdb, in a process of its own (the build's). */
export async function writePgliteTemplate(into = PGLITE_TEMPLATE): Promise<void> {
  const staging = `${into}.new-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const client = await PGlite.create({ dataDir: staging, startParams: START_PARAMS });
  await client.close();
  rmSync(into, { recursive: true, force: true });
  renameSync(staging, into);
}
