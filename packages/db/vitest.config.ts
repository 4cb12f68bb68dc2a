import { defineConfig } from "vitest/config";

// PGlite boots a WASM Postgres per test (1–4 s), so the 5 s default is too tight on a busy CI box.
// biome-ignore lint/style/noDefaultExport: vitest only reads the config's default export
export default defineConfig({
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
