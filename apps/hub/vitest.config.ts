import { defineConfig, mergeConfig } from "vitest/config";
import { spawnsBuiltCode, workspaceTests } from "../../vitest.shared.ts";

export default mergeConfig(
  mergeConfig(workspaceTests, spawnsBuiltCode),
  defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      // Sims and receivers listen on loopback: let the connect-time SSRF guard allow it (docs/security.md).
      env: { HUB_ALLOW_PRIVATE_URLS: "1" },
    },
  }),
);
