import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrationsFolder } from "../src/index.ts";

/**
 * A copy of the migrations folder as it was at migration `last`: the SQL files up to it and the
 * journal's entries, so a test can fill a database under an old schema and then migrate it.
 * The caller removes the directory.
 */
export function migrationsUpTo(last: number): string {
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
