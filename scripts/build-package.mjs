// `pnpm build` in one workspace package (run from its folder): src/ → dist/ (docs/adr/0005).
// dist/ is made anew each time, so a source file deleted or renamed leaves nothing behind; tsc
// emits the JavaScript (tsconfig.build.json), and every other file under src/ that is not
// TypeScript (console.css, the standard's example texts) is copied beside it, because the code
// finds those next to itself at run time.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

const packageDir = process.cwd();
const src = join(packageDir, "src");
const dist = join(packageDir, "dist");

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(join(packageDir, "package.json")).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });

for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || /\.(ts|tsx)$/.test(entry.name)) continue;
  const from = join(entry.parentPath, entry.name);
  const to = join(dist, relative(src, from));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
