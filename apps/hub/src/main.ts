import { serve } from "@hono/node-server";
import { loadConfig } from "./config.ts";
import { buildHub } from "./hub.ts";

/** `pnpm start`: a working hub with nothing but Node.js (embedded PGlite when DATABASE_URL is unset). */
async function main(): Promise<void> {
  const config = loadConfig();
  const hub = await buildHub(config);
  const { log } = hub.services;

  const server = serve({ fetch: hub.app.fetch, port: config.port, hostname: config.host }, (info) => {
    const url = `http://${info.address.includes(":") ? "localhost" : info.address}:${info.port}`;
    const storage = config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${config.dataDir}`;
    process.stdout.write(
      [
        "",
        `Yunlian hub ${config.platId} listening on ${url}`,
        `  storage:     ${storage}`,
        `  health:      ${url}/health`,
        `  standard API ${url}/v1/…   admin API ${url}/admin/v1/…`,
        `  admin token: ${hub.adminToken}${hub.adminTokenGenerated ? `  (generated, stored in ${config.dataDir}/admin-token)` : ""}`,
        "",
      ].join("\n"),
    );
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    server.close();
    await hub.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`hub failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
