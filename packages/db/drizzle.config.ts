import { defineConfig } from "drizzle-kit";

// `pnpm db:generate` diffs src/schema against the last snapshot and writes a new SQL file into
// the committed top-level migrations/ folder, to be reviewed like code. Never `drizzle-kit push`:
// every environment runs the same reviewed files through src/migrate.ts.
// biome-ignore lint/style/noDefaultExport: drizzle-kit only reads the config's default export
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "../../migrations",
  strict: true,
  verbose: true,
});
