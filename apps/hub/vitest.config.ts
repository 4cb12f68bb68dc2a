import { defineConfig, mergeConfig } from "vitest/config";
import { spawnsBuiltCode, workspaceTests } from "../../vitest.shared.ts";

// Sims and receivers listen on loopback: the tests that reach them pass HUB_ALLOW_PRIVATE_URLS=1
// to the hub's config the way a user would (test/support/harness.ts), not through this process.
export default mergeConfig(
  mergeConfig(workspaceTests, spawnsBuiltCode),
  defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  }),
);
