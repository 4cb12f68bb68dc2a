import { defineConfig, mergeConfig } from "vitest/config";
import { spawnsBuiltCode, workspaceTests } from "../../vitest.shared.ts";

// PGlite boots a WASM Postgres per test (1–4 s), so the 5 s default is too tight on a busy CI box.
export default mergeConfig(
  mergeConfig(workspaceTests, spawnsBuiltCode),
  defineConfig({
    test: { testTimeout: 30_000, hookTimeout: 30_000 },
  }),
);
