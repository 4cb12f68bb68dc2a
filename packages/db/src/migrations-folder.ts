import { fileURLToPath } from "node:url";

/**
 * The committed top-level migrations/ folder, found relative to this file (not the cwd) so
 * the hub, the worker, tests and the CLI all apply the same files wherever they are started.
 * HUB_MIGRATIONS_DIR overrides it for deployments that ship the folder elsewhere.
 */
export function migrationsFolder(): string {
  return process.env.HUB_MIGRATIONS_DIR ?? fileURLToPath(new URL("../../../migrations", import.meta.url));
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
