// `pnpm db:migrate`: applies migrations/ to DATABASE_URL, or to the embedded PGlite database
// in HUB_DATA_DIR (default ./.data, relative to where the command was run) when DATABASE_URL is unset.
import { resolveDataDir } from "./data-dir.ts";
import { openDatabase } from "./open.ts";

const url = process.env.DATABASE_URL || undefined;
const dataDir = resolveDataDir();
const handle = await openDatabase(url ? { url, maxConnections: 1 } : { dataDir });
const where = url ? redact(url) : `PGlite in ${dataDir}`;
try {
  await handle.migrate();
  console.log(`migrations applied to ${where}`);
} catch (err) {
  console.error(`migration failed on ${where}:`, err);
  process.exitCode = 1;
} finally {
  await handle.close();
}

/** Never print a password from DATABASE_URL into logs. */
function redact(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "DATABASE_URL";
  }
}
