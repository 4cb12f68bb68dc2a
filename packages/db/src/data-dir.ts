import { resolve } from "node:path";

/**
 * Where embedded data lives: HUB_DATA_DIR (default ./.data) relative to the directory the user
 * ran the command in. pnpm runs scripts inside the package folder but records the caller's
 * directory in INIT_CWD, so `pnpm start` and `pnpm db:migrate` run from the repository root both
 * land on <root>/.data instead of apps/hub/.data and packages/db/.data. The hub should use this too.
 */
export function resolveDataDir(dir = process.env.HUB_DATA_DIR || "./.data"): string {
  if (dir.startsWith("memory://")) return dir;
  return resolve(process.env.INIT_CWD || process.cwd(), dir);
}
