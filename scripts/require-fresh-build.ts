import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Vitest global setup of the packages whose tests start built code as its own process (the hub,
 * the worker, migrate-cli), as production runs it: stops the run, naming the command, when a
 * package's dist/ is older than its sources. `pnpm test` builds first; this catches a focused
 * `npx vitest run` after an edit, which would otherwise test yesterday's build.
 */
const root = fileURLToPath(new URL("..", import.meta.url));

function newestChange(dir: string, skip: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || skip(entry.name)) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export function setup(): void {
  const stale: string[] = [];
  for (const group of ["apps", "packages"]) {
    for (const name of readdirSync(join(root, group))) {
      const dir = join(root, group, name);
      if (!existsSync(join(dir, "tsconfig.build.json"))) continue;
      const source = newestChange(join(dir, "src"), (file) => /\.test\.tsx?$/.test(file));
      const built = existsSync(join(dir, "dist")) ? newestChange(join(dir, "dist"), () => false) : 0;
      if (built < source) stale.push(`${group}/${name}`);
    }
  }
  if (stale.length > 0) {
    throw new Error(
      `These tests run the built JavaScript, and dist/ is missing or older than src/ in ${stale.join(", ")}: ` +
        "run `npx -y pnpm@12.4.2 build` first (`pnpm test` does).",
    );
  }
}
