import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Sims and receivers listen on loopback: let the connect-time SSRF guard allow it (docs/security.md).
    env: { HUB_ALLOW_PRIVATE_URLS: "1" },
  },
});
