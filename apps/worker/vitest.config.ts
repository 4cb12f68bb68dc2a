import { defineConfig, mergeConfig } from "vitest/config";
import { spawnsBuiltCode, workspaceTests } from "../../vitest.shared.ts";

// Integration tests talk to real PostgreSQL, Redis and HTTP receivers: allow for retry schedules.
export default mergeConfig(
  mergeConfig(workspaceTests, spawnsBuiltCode),
  defineConfig({
    // Receivers listen on loopback: let the connect-time SSRF guard allow it.
    test: { testTimeout: 30_000, hookTimeout: 30_000, env: { HUB_ALLOW_PRIVATE_URLS: "1" } },
  }),
);
