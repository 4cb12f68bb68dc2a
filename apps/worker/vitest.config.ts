import { defineConfig } from "vitest/config";

// Integration tests talk to real PostgreSQL, Redis and HTTP receivers: allow for retry schedules.
export default defineConfig({
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
