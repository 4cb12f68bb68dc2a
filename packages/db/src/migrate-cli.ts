// `pnpm db:migrate`: applies migrations/ to DATABASE_URL, or to the embedded PGlite database
// in HUB_DATA_DIR (default ./.data, relative to where the command was run) when DATABASE_URL is unset.
// A process entry point: its environment is parsed here, once, with the hub's fragments for the
// same variables, so it finds the same database and data folder as the hub does.
import { ConfigError, databaseEnv, dataDirEnv, parseEnv } from "@yunlian/config";
import { z } from "zod";
import { resolveDataDir } from "./data-dir.ts";
import { openDatabase } from "./open.ts";

const migrateEnv = z.object({ ...databaseEnv, ...dataDirEnv });

let env: z.output<typeof migrateEnv>;
try {
  env = parseEnv(migrateEnv, process.env, "db:migrate");
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}
const url = env.DATABASE_URL;
const dataDir = resolveDataDir(env.HUB_DATA_DIR, env.INIT_CWD ?? process.cwd());
const handle = await openDatabase({
  ...(url ? { url, maxConnections: 1 } : { dataDir }),
  migrationsDir: env.HUB_MIGRATIONS_DIR,
});
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
