import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

/** A path (`./x`, `../x`, `/x`, `C:\x`) rather than a package name (`@acme/foo`, `foo`). */
function isPathSpec(spec: string): boolean {
  return spec.startsWith(".") || isAbsolute(spec);
}

/**
 * The file to import for one HUB_ADAPTERS entry: a path (file or package folder) resolved against
 * `from`, or a package name looked up in `node_modules` folders from `from` upwards as Node does.
 * Done by hand because `import()` resolves names from the importing module (the SDK's own folder),
 * not from where the operator started the hub, and cannot import a folder.
 */
export function resolveAdapterEntry(spec: string, from: string): string {
  if (isPathSpec(spec)) {
    const target = resolve(from, spec);
    if (!existsSync(target)) throw new Error(`no such file or folder ${target}`);
    return statSync(target).isDirectory() ? packageEntry(target) : target;
  }
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", spec);
    if (existsSync(join(candidate, "package.json"))) return packageEntry(candidate);
    if (dirname(dir) === dir) break;
  }
  throw new Error(`package not found in node_modules from ${resolve(from)} upwards (is it installed?)`);
}

type Exports = string | { [condition: string]: Exports } | null | undefined;

/** The ESM entry of a package folder: `exports["."]` (import/node/default), else `main`, else index.js. */
function packageEntry(dir: string): string {
  const manifestPath = join(dir, "package.json");
  if (!existsSync(manifestPath)) return join(dir, "index.js");
  let manifest: { exports?: Exports; main?: string };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as typeof manifest;
  } catch (err) {
    throw new Error(
      `${manifestPath} is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const root =
    typeof manifest.exports === "object" && manifest.exports !== null && "." in manifest.exports
      ? manifest.exports["."]
      : manifest.exports;
  const fromExports = pickCondition(root);
  return join(dir, fromExports ?? manifest.main ?? "index.js");
}

function pickCondition(value: Exports): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return undefined;
  for (const condition of ["import", "node", "default"]) {
    const found = pickCondition(value[condition]);
    if (found) return found;
  }
  return undefined;
}
