import { defineConfig, mergeConfig } from "vitest/config";
import { spawnsBuiltCode, workspaceTests } from "../../vitest.shared.ts";

export default mergeConfig(
  mergeConfig(workspaceTests, spawnsBuiltCode),
  defineConfig({
    test: {
      include: ["test/**/*.test.ts"],
      testTimeout: 30_000,
    },
  }),
);
