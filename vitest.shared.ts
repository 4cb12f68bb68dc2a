import { fileURLToPath } from "node:url";
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/**
 * What every package's vitest.config.ts is merged onto. Tests run the TypeScript sources: a
 * workspace import resolves through the "source" condition of the package's exports map (its
 * src/*.ts) rather than "default" (dist/*.js, what production runs); see docs/adr/0005. Vitest
 * runs test files in Vite's server (SSR) environment, so the server conditions are the ones read.
 */
export const workspaceTests = defineConfig({
  ssr: { resolve: { conditions: ["source", ...defaultServerConditions] } },
});

/**
 * For packages whose tests start built code as a process (`node dist/main.js`, as production
 * does): a stale or missing dist/ stops the run with the command that fixes it.
 */
export const spawnsBuiltCode = defineConfig({
  test: { globalSetup: [fileURLToPath(new URL("./scripts/require-fresh-build.ts", import.meta.url))] },
});
