import { resolve } from "node:path";

/**
 * The embedded data folder as an absolute path: `dir` (HUB_DATA_DIR) resolved against `baseDir`,
 * the directory the user ran the command in (the deployable's config finds it: INIT_CWD under
 * pnpm, else the cwd). "memory://" (in-memory PGlite) is kept as it is.
 */
export function resolveDataDir(dir: string, baseDir: string): string {
  if (dir.startsWith("memory://")) return dir;
  return resolve(baseDir, dir);
}
