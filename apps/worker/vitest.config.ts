import { defineConfig, mergeConfig } from "vitest/config";
import { spawnsBuiltCode, workspaceTests } from "../../vitest.shared.ts";

// Integration tests talk to real PostgreSQL, Redis and HTTP receivers: allow for retry schedules.
// Receivers listen on loopback: workers under test get HUB_ALLOW_PRIVATE_URLS=1 in their
// environment (test/support.ts workerEnv), the way a user would set it.
export default mergeConfig(
  mergeConfig(workspaceTests, spawnsBuiltCode),
  defineConfig({
    test: {
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // Each file starts its own worker processes (and the cluster test six redis-servers): run
      // one file at a time, so a 2-core CI machine does not starve their delivery deadlines.
      fileParallelism: false,
    },
  }),
);
