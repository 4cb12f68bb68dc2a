import { fileURLToPath } from "node:url";

/**
 * The committed top-level migrations/ folder, found relative to this file (not the cwd) so
 * the hub, the worker, tests and the CLI all apply the same files wherever they are started.
 * `override` (HUB_MIGRATIONS_DIR) is for deployments that ship the folder elsewhere.
 */
export function migrationsFolder(override?: string): string {
  return override ?? fileURLToPath(new URL("../../../migrations", import.meta.url));
}

/** Serialises migrate() calls on one handle: drizzle's migrator is not safe to run twice concurrently. */
export function serialised(run: () => Promise<void>): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    const next = last.then(run, run);
    last = next.catch(() => undefined);
    return next;
  };
}
