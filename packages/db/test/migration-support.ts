import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { type DatabaseHandle, migrationsFolder, openDatabase, type SessionQuery } from "../src/index.ts";
import { createTestDatabase, postgresAvailable, servicesRequired } from "../src/testing.ts";

/**
 * What a test of a data-moving migration shares: the migrations folder as it was before it, a
 * fingerprint of tables' rows, and the same case on PostgreSQL and on PGlite.
 */

const available = await postgresAvailable();
if (!available && servicesRequired())
  throw new Error("PostgreSQL is unreachable and TEST_REQUIRE_SERVICES/CI demands it");

/**
 * A copy of the migrations folder as it was at migration `last`: the SQL files up to it and the
 * journal's entries, so a test can fill a database under an old schema and then migrate it.
 * The caller removes the directory.
 */
function migrationsUpTo(last: number): string {
  const dir = mkdtempSync(join(tmpdir(), `migrations-${last}-`));
  cpSync(migrationsFolder(), dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  for (const e of journal.entries.filter((e) => e.idx > last)) rmSync(join(dir, `${e.tag}.sql`));
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

/** Each query's rows as one count and one hash (rows as text, sorted): equal before and after a migration. */
export async function fingerprints(
  q: SessionQuery,
  selects: Record<string, string>,
): Promise<Record<string, { n: number; md5: string }>> {
  const out: Record<string, { n: number; md5: string }> = {};
  for (const [table, select] of Object.entries(selects)) {
    const [row] = await q(
      `select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as md5 from (${select}) x`,
    );
    out[table] = { n: Number(row?.n), md5: String(row?.md5) };
  }
  return out;
}

/**
 * `expectMoved(old, open)` on PostgreSQL (a new database) and on PGlite (a new data folder): `old`
 * is the database opened with the migrations up to `last`, `open` opens it with all of them.
 */
export function describeMigration(
  title: string,
  last: number,
  expectMoved: (old: DatabaseHandle, open: () => Promise<DatabaseHandle>) => Promise<void>,
): void {
  describe(title, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    afterAll(async () => {
      for (const c of cleanup.reverse()) await c();
    });

    it.skipIf(!available)("on PostgreSQL", async () => {
      const dir = migrationsUpTo(last);
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const database = await createTestDatabase();
      cleanup.push(() => database.drop());
      const old = await openDatabase({ url: database.url, maxConnections: 2, migrationsDir: dir });
      await expectMoved(old, () => openDatabase({ url: database.url, maxConnections: 2 }));
    });

    it("on PGlite", async () => {
      const dir = migrationsUpTo(last);
      const dataDir = mkdtempSync(join(tmpdir(), `pglite-${last}-`));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const old = await openDatabase({ dataDir, migrationsDir: dir });
      await expectMoved(old, () => openDatabase({ dataDir }));
    });
  });
}
