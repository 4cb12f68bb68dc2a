import { defineConfig, mergeConfig } from "vitest/config";
import { workspaceTests } from "../../vitest.shared.ts";

// Integration tests talk to real PostgreSQL, Redis and HTTP receivers: allow for retry schedules.
// Receivers listen on loopback: tests allow private addresses in the delivery config they pass
// (test/support/modes.ts), as a deployment does with HUB_ALLOW_PRIVATE_URLS=1.
export default mergeConfig(
  workspaceTests,
  defineConfig({ test: { testTimeout: 30_000, hookTimeout: 30_000 } }),
);
